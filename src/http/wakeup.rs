//! Holds idle CPUs to a wake-up latency while the server runs (`server.cpu_wakeup_latency_us`).
//!
//! Linux's PM QoS interface: while a process keeps `/dev/cpu_dma_latency` open with a number of
//! microseconds written to it, idle cores enter no idle state that takes longer than that to
//! leave. At 0 they poll instead of halting. On a VM a halted vCPU goes back to the host, and the
//! question that wakes it then meets a slow wake-up and a model that runs slower for a while
//! (BENCHMARKS.md: at 0 one client's median answer time fell 11–19% in two alternated runs, the
//! bare model's about as much). The price: idle cores read busy to the host. Closing the file
//! (the server stopping) ends the request.

use std::fs::File;
use std::io::Write;

use super::ServeError;

const DEVICE: &str = "/dev/cpu_dma_latency";

/// The open request; dropping it lets the cores sleep as before.
#[derive(Debug)]
pub struct WakeupLatency {
    _device: File,
}

/// Asks the kernel to keep idle cores within `micros` µs of waking until the result is dropped.
pub fn hold(micros: u32) -> Result<WakeupLatency, ServeError> {
    let failed = |reason: String| ServeError::WakeupLatency { micros, reason };
    let value = i32::try_from(micros).map_err(|_| failed(format!("at most {} µs", i32::MAX)))?;
    let mut device = File::options().write(true).open(DEVICE).map_err(|e| {
        failed(format!(
            "cannot open {DEVICE}: {e} (it needs write access to that device: run as root or \
             grant it with a udev rule, or unset the setting)"
        ))
    })?;
    // The kernel reads a 32-bit signed integer in the machine's byte order.
    device
        .write_all(&value.to_ne_bytes())
        .map_err(|e| failed(format!("cannot write to {DEVICE}: {e}")))?;
    tracing::info!(
        "idle CPUs held to a {micros} µs wake-up latency (server.cpu_wakeup_latency_us)"
    );
    Ok(WakeupLatency { _device: device })
}
