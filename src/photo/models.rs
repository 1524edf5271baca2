//! The three learned models (MediaPipe face detector, face mesh and selfie
//! segmentation; Apache-2.0, converted to ONNX: assets/models/SOURCES.md),
//! compiled into the binary and run with tract on the CPU.
//!
//! Loading takes 50–200 ms per model, so it happens once, on a background
//! thread: [`preload`] starts it without waiting (the UI calls it when the
//! photo panel is built), [`shared`] waits for it (the check itself, which
//! always runs off the UI thread, so the CLI and import never depend on
//! timing). A model that fails to load is kept as an error: the check falls
//! back to the classical method and says so; nothing panics.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use thiserror::Error;
use tract_onnx::prelude::*;

static DETECTOR_ONNX: &[u8] = include_bytes!("../../assets/models/face_detection_short_range.onnx");
static MESH_ONNX: &[u8] = include_bytes!("../../assets/models/face_landmark.onnx");
static SEGMENTER_ONNX: &[u8] = include_bytes!("../../assets/models/selfie_segmentation.onnx");

/// Input sizes (NHWC) the models were converted with.
pub const DETECTOR_INPUT: [usize; 4] = [1, 128, 128, 3];
pub const MESH_INPUT: [usize; 4] = [1, 192, 192, 3];
pub const SEGMENTER_INPUT: [usize; 4] = [1, 256, 256, 3];

/// A model that could not be loaded or run.
#[derive(Debug, Clone, Error)]
pub enum ModelError {
    #[error("模型 {name} 加载失败：{message}")]
    Load { name: &'static str, message: String },
    #[error("模型 {name} 运行失败：{message}")]
    Run { name: &'static str, message: String },
}

/// One optimised, runnable network.
#[derive(Debug, Clone)]
pub struct Net {
    pub name: &'static str,
    plan: Arc<TypedSimplePlan>,
    input: [usize; 4],
    /// Time it took to load and optimise, in milliseconds.
    pub load_ms: f64,
}

impl Net {
    /// Parses and optimises an ONNX model with a fixed NHWC f32 input.
    pub fn load(name: &'static str, bytes: &[u8], input: [usize; 4]) -> Result<Net, ModelError> {
        let started = Instant::now();
        let err = |e: TractError| ModelError::Load {
            name,
            message: format!("{e:#}"),
        };
        let mut reader = bytes;
        let plan = tract_onnx::onnx()
            .model_for_read(&mut reader)
            .map_err(err)?
            .with_input_fact(
                0,
                InferenceFact::dt_shape(
                    f32::datum_type(),
                    tvec!(input[0], input[1], input[2], input[3]),
                ),
            )
            .map_err(err)?
            .into_optimized()
            .map_err(err)?
            .into_runnable()
            .map_err(err)?;
        let load_ms = started.elapsed().as_secs_f64() * 1000.0;
        tracing::debug!(model = name, load_ms, "photo model loaded");
        Ok(Net {
            name,
            plan,
            input,
            load_ms,
        })
    }

    /// Runs on one NHWC input (`data.len()` must match the input shape) and
    /// returns every output flattened.
    pub fn run(&self, data: &[f32]) -> Result<Vec<Vec<f32>>, ModelError> {
        let err = |e: TractError| ModelError::Run {
            name: self.name,
            message: format!("{e:#}"),
        };
        let input = Tensor::from_shape(&self.input, data).map_err(err)?;
        let outputs = self.plan.run(tvec!(input.into_tvalue())).map_err(err)?;
        outputs
            .iter()
            .map(|o| {
                o.to_plain_array_view::<f32>()
                    .map(|v| v.iter().copied().collect())
                    .map_err(err)
            })
            .collect()
    }
}

/// The three models, each loaded or the reason it is not.
#[derive(Debug)]
pub struct Models {
    pub detector: Result<Net, ModelError>,
    pub mesh: Result<Net, ModelError>,
    pub segmenter: Result<Net, ModelError>,
}

impl Models {
    /// Loads the models compiled into the binary, two of them beside each other.
    pub fn load() -> Models {
        Models::from_bytes(DETECTOR_ONNX, MESH_ONNX, SEGMENTER_ONNX)
    }

    /// Loads models from the given bytes (tests pass broken ones to see the fallback).
    pub fn from_bytes(detector: &[u8], mesh: &[u8], segmenter: &[u8]) -> Models {
        let started = Instant::now();
        // the segmenter is the slowest to load: it gets a thread of its own
        let (segmenter, (detector, mesh)) = std::thread::scope(|s| {
            let seg = s.spawn(|| Net::load("selfie_segmentation", segmenter, SEGMENTER_INPUT));
            let others = (
                Net::load("face_detection_short_range", detector, DETECTOR_INPUT),
                Net::load("face_landmark", mesh, MESH_INPUT),
            );
            let seg = seg.join().unwrap_or_else(|_| {
                Err(ModelError::Load {
                    name: "selfie_segmentation",
                    message: "加载线程异常退出".into(),
                })
            });
            (seg, others)
        });
        let models = Models {
            detector,
            mesh,
            segmenter,
        };
        for e in models.errors() {
            tracing::warn!(error = %e, "photo model unavailable; classical fallback");
        }
        tracing::info!(
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "photo models loaded"
        );
        models
    }

    /// No model at all: the classical method only (tests, and a build whose
    /// models are known to be broken).
    pub fn none() -> Models {
        let missing = |name| {
            Err(ModelError::Load {
                name,
                message: "未加载".into(),
            })
        };
        Models {
            detector: missing("face_detection_short_range"),
            mesh: missing("face_landmark"),
            segmenter: missing("selfie_segmentation"),
        }
    }

    /// Every model that failed to load.
    pub fn errors(&self) -> Vec<&ModelError> {
        [&self.detector, &self.mesh, &self.segmenter]
            .into_iter()
            .filter_map(|r| r.as_ref().err())
            .collect()
    }

    /// Detector and mesh together: the learned face path.
    pub fn face_nets(&self) -> Option<(&Net, &Net)> {
        Some((self.detector.as_ref().ok()?, self.mesh.as_ref().ok()?))
    }
}

static SHARED: OnceLock<Models> = OnceLock::new();

/// The models compiled into the binary; loads them on first use and waits
/// while another thread is loading them. Never call from the UI thread.
pub fn shared() -> &'static Models {
    SHARED.get_or_init(Models::load)
}

/// Starts loading the models on a background thread and returns at once.
pub fn preload() {
    if SHARED.get().is_some() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("photo-models".into())
        .spawn(|| {
            shared();
        });
    if let Err(e) = spawned {
        // the first check loads them instead
        tracing::warn!(error = %e, "could not start the photo model loader");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_model_bytes_give_an_error_not_a_panic() {
        let m = Models::from_bytes(b"not onnx", MESH_ONNX, &[]);
        assert!(m.detector.is_err());
        assert!(m.segmenter.is_err());
        assert!(m.mesh.is_ok());
        assert_eq!(m.errors().len(), 2);
        assert!(m.face_nets().is_none());
        let text = m.errors()[0].to_string();
        assert!(text.contains("加载失败"), "{text}");
    }

    #[test]
    fn shipped_models_load_and_run() {
        let m = shared();
        assert!(m.errors().is_empty(), "{:?}", m.errors());
        let det = m.detector.as_ref().unwrap();
        let zeros: Vec<f32> = std::iter::repeat_n(0.0, 128 * 128 * 3).collect();
        let out = det.run(&zeros).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].len(), 896 * 16);
        assert_eq!(out[1].len(), 896);
        // wrong input length is an error, not a panic
        assert!(det.run(&[0.0; 3]).is_err());
    }

    #[test]
    fn shipped_models_avoid_the_ops_tract_runs_slowly() {
        // tools/photo_models/tract_friendly.py rewrites PRelu (Greater + Mul +
        // Iff in tract) and the bilinear Resize; a model rebuilt without that
        // step runs ≈ 7 ms (mesh) and ≈ 7 ms (segmentation) slower
        let m = shared();
        for net in [&m.detector, &m.mesh, &m.segmenter] {
            let net = net.as_ref().unwrap();
            let slow: Vec<String> = net
                .plan
                .model()
                .nodes()
                .iter()
                .map(|n| n.op().name().to_string())
                .filter(|op| ["Resize", "Iff", "GT", "Prelu"].contains(&op.as_str()))
                .collect();
            assert!(slow.is_empty(), "{}: {slow:?}", net.name);
        }
    }
}
