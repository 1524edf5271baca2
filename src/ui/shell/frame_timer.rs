//! `COUNTERDESK_FRAME_LOG=N`: every N drawn frames, print the median and 95th
//! percentile of the frame's CPU time (eframe's measure of the previous
//! frame: the app's code, tessellation and painting) and of the app's own
//! `ui()` pass, to stderr and the debug log. Timings only, never content.
//! Off unless the variable is set.

use std::time::Duration;

pub struct FrameTimer {
    every: usize,
    cpu: Vec<f32>,
    ui: Vec<f32>,
}

impl FrameTimer {
    pub fn from_env() -> Option<Self> {
        let every = std::env::var("COUNTERDESK_FRAME_LOG")
            .ok()?
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)?;
        Some(FrameTimer {
            every,
            cpu: Vec::with_capacity(every),
            ui: Vec::with_capacity(every),
        })
    }

    /// One drawn frame: eframe's CPU time of the previous frame (seconds),
    /// and this frame's `ui()` time.
    pub fn record(&mut self, previous_cpu: Option<f32>, ui: Duration) {
        if let Some(c) = previous_cpu {
            self.cpu.push(c * 1000.0);
        }
        self.ui.push(ui.as_secs_f32() * 1000.0);
        if self.ui.len() < self.every {
            return;
        }
        let (cm, c95) = median_p95(&mut self.cpu);
        let (um, u95) = median_p95(&mut self.ui);
        tracing::debug!(cm, c95, um, u95, n = self.every, "frame times (ms)");
        eprintln!(
            "frame-ms n={} cpu_median={cm:.2} cpu_p95={c95:.2} ui_median={um:.2} ui_p95={u95:.2}",
            self.every
        );
        self.cpu.clear();
        self.ui.clear();
    }
}

fn median_p95(xs: &mut [f32]) -> (f32, f32) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    xs.sort_by(f32::total_cmp);
    let at = |q: f32| xs[((xs.len() - 1) as f32 * q).round() as usize];
    (at(0.5), at(0.95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p95() {
        let mut v: Vec<f32> = (1..=100).map(|x| x as f32).collect();
        let (m, p) = median_p95(&mut v);
        assert!((50.0..=51.0).contains(&m));
        assert!((94.0..=96.0).contains(&p));
        assert_eq!(median_p95(&mut []), (0.0, 0.0));
    }
}
