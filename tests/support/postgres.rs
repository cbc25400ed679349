//! The test Postgres that scripts/postgres.sh starts, for the tests that run against it
//! (`tests/database.rs`, `tests/replicas.rs`), which include this file.

/// A connection to `url`.
pub async fn connect(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url)
        .await
        .expect("connect to the test Postgres")
}

/// A fresh, empty database `name` in the test Postgres (dropped first if a run before
/// left it); its URL, without a query (libpq's default `prefer`: TLS, which that server
/// requires).
pub async fn fresh_database(name: &str) -> String {
    let base = std::env::var("SHOP_RECS_TEST_POSTGRES").expect(
        "SHOP_RECS_TEST_POSTGRES names the test Postgres: run this under scripts/postgres.sh",
    );
    let mut admin = connect(&base).await;
    for statement in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&statement)
            .execute(&mut admin)
            .await
            .expect("make the test database");
    }
    let (server, _) = base.rsplit_once('/').expect("a database in the URL");
    format!("{server}/{name}")
}
