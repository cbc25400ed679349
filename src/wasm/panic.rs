//! Panics in the wasm instance: built with panic = abort, a panic ends in an `unreachable`
//! trap that carries no text, so a hook keeps the message where the worker and the page
//! can read it ([`last_panic_message`], and a `BroadcastChannel` the page listens on).

use std::sync::{Mutex, Once};

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The browser's `BroadcastChannel`, the one way a pool thread can reach the page:
    /// its parent (the worker that owns the instance) is blocked waiting for the pool.
    type BroadcastChannel;
    #[wasm_bindgen(constructor, catch)]
    fn new(name: &str) -> Result<BroadcastChannel, JsValue>;
    #[wasm_bindgen(method, catch, js_name = postMessage)]
    fn post_message(this: &BroadcastChannel, message: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn close(this: &BroadcastChannel);
}

/// The message of the last panic in this instance, on any thread. Built with panic =
/// abort, a panic ends in an `unreachable` trap that carries no text; the worker reads
/// this right after the trap ([`last_panic_message`]). Locked only with `try_lock`, so
/// neither the hook nor the reader can block on a lock a trapped thread left held.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
/// Name of the `BroadcastChannel` the panic hook also posts the message to, set by the
/// worker at start ([`set_panic_channel`]); the page listens on it.
static PANIC_CHANNEL: Mutex<Option<String>> = Mutex::new(None);

/// Installs the panic hook, once per wasm instance (this runs on every thread that
/// instantiates the module): the console gets the message and stack as
/// console_error_panic_hook writes them, [`LAST_PANIC`] keeps the message, and the
/// page's panic channel receives it.
#[wasm_bindgen(start)]
fn start() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            let text = info.payload_as_str().unwrap_or("a panic without a message");
            let message = match info.location() {
                Some(at) => format!("{text} (at {}:{})", at.file(), at.line()),
                None => text.to_string(),
            };
            if let Ok(channel) = PANIC_CHANNEL.try_lock()
                && let Some(name) = channel.as_ref()
                && let Ok(broadcast) = BroadcastChannel::new(name)
            {
                // Best effort: the message also reaches the console and LAST_PANIC.
                let _ = broadcast.post_message(&message);
                broadcast.close();
            }
            if let Ok(mut last) = LAST_PANIC.try_lock() {
                *last = Some(message);
            }
        }));
    });
}

/// The message of the last panic in this instance, or `undefined` if none happened.
///
/// Meant to be called once, right after a call into the instance failed with a
/// `WebAssembly.RuntimeError`, to tell a panic (it has a message) from other traps
/// such as running out of memory (no message).
#[wasm_bindgen(js_name = lastPanicMessage)]
pub fn last_panic_message() -> Option<String> {
    LAST_PANIC.try_lock().ok().and_then(|last| last.clone())
}

/// Makes every later panic, on any thread of this instance, post its message to the
/// `BroadcastChannel` named `name`.
#[wasm_bindgen(js_name = setPanicChannel)]
pub fn set_panic_channel(name: &str) {
    if let Ok(mut channel) = PANIC_CHANNEL.try_lock() {
        *channel = Some(name.to_string());
    }
}
