//! `shop-recs bench --load`: the generated catalog made on one thread against made on
//! the pool (in pieces, merged in order), interleaved run by run, each pool-made catalog
//! held equal to the serial one.

use super::*;

/// One thread's and the pool's times to generate the same catalog, run by run.
pub(super) struct LoadTimes {
    pub(super) serial: Vec<Duration>,
    pub(super) pool: Vec<Duration>,
}

/// Times `runs` rounds of the generator, serial then on the current pool, after one
/// untimed warm-up of each. With `--catalog` there is nothing to time on the pool: a file
/// is parsed on one thread.
pub(super) fn time_loads(source: &SourceArgs, runs: usize) -> Result<LoadTimes, CliError> {
    let Some(n) = source.generate else {
        return Err(CliError::Argument(
            "--load times the generator (--generate N); a file is parsed on one thread".into(),
        ));
    };
    let skew = skew(source.skew)?;
    let serial = || generate_skewed(n, source.seed, skew).map_err(CliError::Generate);
    let pool = || generate_on_pool(n, source.seed, skew, &mut |_| {}).map_err(CliError::Generate);
    if serial()? != pool()? {
        return Err(CliError::CatalogsDiffer);
    }
    let mut times = LoadTimes {
        serial: Vec::with_capacity(runs),
        pool: Vec::with_capacity(runs),
    };
    for _ in 0..runs {
        let start = Instant::now();
        drop(serial()?);
        times.serial.push(start.elapsed());
        let start = Instant::now();
        drop(pool()?);
        times.pool.push(start.elapsed());
    }
    Ok(times)
}
