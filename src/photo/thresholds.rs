//! The one thresholds table for the automated checks. Numbers marked
//! "calibrated" were tuned on the synthetic fixture set (tests/fixtures/photos)
//! and should be revisited with real counter photos.

/// All check thresholds.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    // --- safe decode ---
    /// Files larger than this are refused before reading.
    pub max_file_bytes: u64,
    /// Pixel dimensions read from the header; larger is refused before decoding.
    pub max_side_px: u32,
    pub max_pixels: u64,
    /// Decoder allocation cap (`image::Limits::max_alloc`).
    pub max_alloc_bytes: u64,
    /// An alpha channel is accepted only when (almost) fully opaque.
    pub min_alpha: u8,

    /// Larger photos are analysed on a copy with this long side.
    pub analysis_long_side_px: u32,

    /// Estimated JPEG quality this far below the spec floor fails; closer warns.
    pub jpeg_quality_slack: u32,

    // --- face detection ---
    /// The detector runs on a copy whose long side is at most this.
    pub detect_long_side_px: u32,
    /// Smallest face searched, as a share of the working copy's width.
    pub min_face_share: f32,
    /// rustface score below which a detection is ignored.
    pub face_score_min: f64,
    /// Learned detector (detector.rs): probability a face must reach on the
    /// whole photo, and on the tiles of the second pass (higher: a tile
    /// enlarges hair and clothes into face-sized texture).
    pub face_min_score: f32,
    pub face_tile_min_score: f32,
    /// Boxes overlapping more than this (IoU) are one face.
    pub face_nms_iou: f32,
    /// A face narrower than this share of the photo's short side makes the
    /// detector look again on tiles; narrower than `face_min_share` is not counted.
    pub face_small_share: f32,
    pub face_min_share: f32,
    /// A face box past the photo's edge by more than this share of its size
    /// is cut by the frame.
    pub face_cut_share: f32,
    /// Face-mesh crop: this × the detector box's long side (MediaPipe's 1.5).
    pub mesh_crop_scale: f32,
    /// Below this face-presence probability the mesh is not used.
    pub mesh_min_presence: f32,

    // --- background ---
    /// A pixel may join the border flood fill when its channels' max−min is at
    /// most this and its luma at least `bg_min_luma` (calibrated).
    pub bg_max_chroma: u8,
    pub bg_min_luma: u8,
    /// Neighbouring background pixels differ by at most this luma step.
    pub bg_max_step: u8,
    /// Mean background luma: at least `white` passes, at least `near_white` warns.
    pub bg_white_luma: f32,
    pub bg_near_white_luma: f32,
    /// Mean chroma (max−min) of the background above this fails (tinted).
    pub bg_max_mean_chroma: f32,
    /// Standard deviation of background luma above this warns (uneven),
    /// over background pixels farther than `bg_rim_share` × width from the subject.
    pub bg_max_luma_sd: f32,
    pub bg_rim_share: f32,
    /// Mean Sobel gradient magnitude over the background above this warns.
    pub bg_max_gradient: f32,
    /// Backdrop within this share of the width from the person is "near the
    /// head"; its mean is judged like the whole backdrop's (grey rings).
    pub bg_ring_share: f32,
    /// The backdrop is also judged in a grid of zones (columns, rows); the
    /// darkest must be white too, and darkest to brightest above
    /// `bg_max_zone_spread` warns (vignette, shadow, gradient).
    pub bg_zones: (u32, u32),
    pub bg_max_zone_spread: f32,
    /// Mean backdrop colour with channels within this of each other has no cast.
    pub bg_neutral_chroma: f32,
    /// Spread, zones and the ring near the head use only pixels whose person
    /// probability is below this (the mask's soft edge is left out).
    pub bg_sure_prob: f32,
    /// The luma spread ignores levels farther than this from the median
    /// (pixels of clothing or hair the mask calls backdrop; a shadow is nearer).
    pub bg_sd_trim: f32,
    /// Below this share of the image the background is "not found".
    pub bg_min_share: f32,

    // --- geometry ---
    /// Fallback only, when the landmarks cannot be found: chin row = face-box
    /// top + this × face-box height; ear row = crown + `ear_row_share` × head length.
    pub chin_from_box: f32,
    pub ear_row_share: f32,
    /// Fallback eye line: face-box top + this × box height (median of the
    /// located eye lines on the calibration and fixture photos: 0.35).
    pub eye_from_box: f32,

    // --- landmarks (landmarks.rs). Calibrated on tests/fixtures/photos/calib:
    // six public-domain portraits — NASA Eileen Collins, US Navy Grace Hopper
    // (both also mirrored), NASA's Artemis II crew portraits of Reid Wiseman,
    // Victor Glover, Christina Koch and Jeremy Hansen — 6 sizes each,
    // crown/chin/eyes/mouth labelled by hand (tools/photo_calib/make_calib.py);
    // shares of the rustface box. ---
    /// Crop around the face box: left, top, right, bottom margins in box sizes.
    pub landmark_crop: (f32, f32, f32, f32),
    /// The crop is resampled to this width before any search.
    pub landmark_crop_width_px: u32,
    /// Rows and columns (box shares) searched for the eye line.
    pub eye_band_rows: (f32, f32),
    pub eye_band_cols: (f32, f32),
    /// Roll angles tried: from, to, step (degrees).
    pub tilt_search_deg: (f32, f32, f32),
    /// Half-width of the strip on the face axis (box share) for mouth and chin.
    pub axis_strip_share: f32,
    /// Rows searched for the mouth: eye line + (from, to) × box height
    /// (measured 0.42–0.49; nostrils lie near 0.3).
    pub mouth_rows: (f32, f32),
    /// Chin searched at mouth + (from, to) × (mouth − eye line) ...
    pub chin_window: (f32, f32),
    /// ... weighted by a Gaussian at mouth + mean × (mouth − eye line), SD sd × the same.
    /// Measured (chin − mouth) / (mouth − eye line): 0.61 (Hopper) and 0.79 (Collins, smiling).
    pub chin_prior: (f32, f32),
    /// The edge's foot lies this share of (mouth − eye line) above the chin's
    /// outline as labelled (fitted with the two below on the calibration set).
    pub chin_edge_bias: f32,
    /// Centres of the chin strips, box widths from the axis, and their half-width.
    pub chin_strips: [f32; 3],
    pub chin_strip_share: f32,
    /// The edge's foot: where it falls below this share of its peak.
    pub chin_foot_share: f32,
    /// The first edge peak at least this share of the strongest is the chin.
    pub chin_first_peak: f32,
    /// Landmarks are dropped (box fallback) when the chin lands outside this
    /// range of box heights from the box top.
    pub chin_box_range: (f32, f32),
    /// Ear level = eye line + this × (chin − eye line): the row head width is
    /// measured on (the definition: a quarter of the way down; the
    /// calibration labels use the same share).
    pub ear_from_eyes: f32,
    /// Learned chin (head.rs): strip half-width (face widths) about the
    /// mesh's chin; edge searched within ± `chin_search` and its foot
    /// followed at most `chin_limit` eye–chin spans from the mesh's chin;
    /// edges weaker than `chin_min_edge` grey levels per pixel are ignored.
    pub chin_refine_strip: f32,
    pub chin_search: f32,
    pub chin_limit: f32,
    pub chin_min_edge: f32,
    /// Crown searched over the axis ± this × the face's width (cheek to cheek).
    pub crown_cols_share: f32,
    /// Yaw or pitch above the first warns, above the second fails (正面): see
    /// docs/photo.md for where the numbers come from.
    pub pose_deg: (f32, f32),
    /// Head length outside the spec by at most this warns instead of failing:
    /// the largest chin error on the calibration set (0.44 mm, docs/photo.md).
    pub head_length_tolerance_mm: f32,
    /// A head rolled more than this (eye line vs horizontal) warns.
    pub max_tilt_deg: f32,
    /// Light hair the mask lost beside the head (head.rs `textured_edge`):
    /// the local change averaged over ± `hair_texture_window` px must reach
    /// `hair_texture_ratio` × the backdrop's at the photo's edge and at
    /// least `hair_texture_min` grey levels; a run shorter than `hair_ext_min`
    /// face widths is ignored (ringing), none goes beyond `hair_ext_max`.
    pub hair_texture_window: i64,
    pub hair_texture_ratio: f32,
    pub hair_texture_min: f32,
    pub hair_ext_min: f32,
    pub hair_ext_max: f32,
    /// Head width is the median over rows within ± this share of head length
    /// around the ear row (damps the chin-estimate jitter on hair bulges).
    pub ear_band_share: f32,
    /// Head centre off the photo centre by more than this warns.
    pub max_centre_offset_mm: f32,
    /// A head row counts as hair/skin when at least this many pixels are not background.
    pub crown_min_run_px: u32,

    // --- colour and light ---
    /// A pixel is "coloured" when max−min channel exceeds this.
    pub colour_min_chroma: u8,
    /// Below this share of coloured pixels the photo is greyscale (fail).
    pub colour_min_share: f32,
    /// Natural skin colour on the cheeks, CIELAB (OFIQ): warn outside.
    pub skin_a: (f32, f32),
    pub skin_b: (f32, f32),
    /// Exposure is judged on an oval from `face_oval_top` × (chin − eye line)
    /// above the eye line down to the chin, ± `face_oval_half_width` box
    /// widths about the axis: the face without the hair beside it.
    pub face_oval_top: f32,
    pub face_oval_half_width: f32,
    /// Face pixels with luma ≤ `dark_luma` / ≥ `bright_luma` (OFIQ).
    pub dark_luma: u8,
    pub bright_luma: u8,
    /// Share of dark or bright face pixels: warn above the first, fail above the second.
    pub clip_share: (f32, f32),
    /// Mean face luma: fail outside the outer range, warn outside the inner.
    pub face_luma_fail: (f32, f32),
    pub face_luma_warn: (f32, f32),
    /// Left/right cheek histogram intersection below this warns (阴阳脸):
    /// compliant photos 26–79 %, real side light (Artemis portraits as taken)
    /// 1–14 %, fixture bad_uneven_light 4 % (docs/photo.md).
    pub min_lighting_overlap: f32,

    // --- detail ---
    /// The face is resampled to this width before the Laplacian.
    pub sharpness_width_px: u32,
    /// Laplacian variance: fail below the first, warn below the second (calibrated).
    pub sharpness: (f32, f32),
    /// Glare pixel: value ≥ this and saturation ≤ `glare_max_sat`.
    pub glare_min_value: u8,
    pub glare_max_sat: f32,
    /// Blob area as a share of the face box that counts as glare (catchlights are smaller).
    pub glare_min_blob_share: f32,
    /// Spectacles are recognised (glare.rs) when the frame evidence — the
    /// strongest horizontal edge across the nose bridge or below an eye over
    /// the typical edge there — reaches this; only then is glare looked for.
    pub glasses_min_frame_score: f32,
    /// Where lenses sit: box widths from the axis, and ± (chin − eye line)
    /// shares about the eye line.
    pub lens_cols: (f32, f32),
    pub lens_half_height: f32,
    /// Texture cheeks: box widths from the axis, (chin − eye line) shares below the eyes.
    pub texture_cheek_cols: (f32, f32),
    pub texture_cheek_rows: (f32, f32),
    /// Band-pass for skin texture: difference of Gaussians with these SDs, in
    /// pixels of a face box this wide (so 260 px and 520 px photos compare).
    pub texture_sigmas: (f32, f32),
    pub texture_ref_box_px: f32,
    /// Robust SD (1.4826 × MAD) of that band on the cheeks below this warns
    /// (过度美颜); calibrated, docs/photo.md shows both distributions.
    pub min_skin_texture: f32,

    // --- 生成合规照片 ---
    /// Quality of generated JPEGs (the spec floor is 70).
    pub output_jpeg_quality: u8,
    /// Never enlarge more than this: the result would be visibly soft.
    pub max_upscale: f32,

    // --- metadata ---
    /// EXIF `Software` values (lower case substrings) that name a photo editor.
    pub editors: &'static [&'static str],
}

pub const THRESHOLDS: Thresholds = Thresholds {
    max_file_bytes: 20 * 1024 * 1024,
    max_side_px: 12_000,
    max_pixels: 50_000_000,
    max_alloc_bytes: 256 * 1024 * 1024,
    min_alpha: 250,

    analysis_long_side_px: 800,
    jpeg_quality_slack: 10,
    detect_long_side_px: 200,
    min_face_share: 0.25,
    face_score_min: 2.0,
    face_min_score: 0.5,
    face_tile_min_score: 0.6,
    face_nms_iou: 0.3,
    face_small_share: 0.2,
    face_min_share: 0.04,
    face_cut_share: 0.1,
    mesh_crop_scale: 1.5,
    mesh_min_presence: 0.5,

    bg_max_chroma: 30,
    bg_min_luma: 120,
    bg_max_step: 10,
    bg_white_luma: 235.0,
    bg_near_white_luma: 222.0,
    bg_max_mean_chroma: 14.0,
    bg_max_luma_sd: 5.0,
    bg_rim_share: 0.01,
    bg_max_gradient: 6.0,
    bg_ring_share: 0.08,
    bg_zones: (4, 4),
    bg_max_zone_spread: 12.0,
    bg_neutral_chroma: 4.0,
    bg_sure_prob: 0.1,
    bg_sd_trim: 40.0,
    bg_min_share: 0.05,

    chin_from_box: 1.16,
    ear_row_share: 0.60,
    eye_from_box: 0.35,
    landmark_crop: (0.25, 0.10, 0.25, 0.90),
    landmark_crop_width_px: 160,
    eye_band_rows: (0.15, 0.55),
    eye_band_cols: (0.10, 0.90),
    tilt_search_deg: (-15.0, 15.0, 1.0),
    axis_strip_share: 0.12,
    mouth_rows: (0.37, 0.60),
    chin_window: (0.40, 1.05),
    chin_prior: (0.70, 0.25),
    chin_edge_bias: 0.01,
    chin_strips: [-0.10, 0.0, 0.10],
    chin_strip_share: 0.06,
    chin_foot_share: 0.40,
    chin_first_peak: 0.5,
    chin_box_range: (0.95, 1.40),
    ear_from_eyes: 0.25,
    chin_refine_strip: 0.05,
    chin_search: 0.06,
    chin_limit: 0.10,
    chin_min_edge: 1.5,
    crown_cols_share: 0.6,
    pose_deg: (8.0, 15.0),
    head_length_tolerance_mm: 0.4,
    max_tilt_deg: 7.0,
    hair_texture_window: 2,
    hair_texture_ratio: 3.0,
    hair_texture_min: 12.0,
    hair_ext_min: 0.04,
    hair_ext_max: 0.35,
    ear_band_share: 0.015,
    max_centre_offset_mm: 1.5,
    crown_min_run_px: 3,

    colour_min_chroma: 12,
    colour_min_share: 0.02,
    skin_a: (5.0, 25.0),
    skin_b: (5.0, 35.0),
    face_oval_top: -0.35,
    face_oval_half_width: 0.36,
    dark_luma: 25,
    bright_luma: 247,
    clip_share: (0.10, 0.30),
    face_luma_fail: (50.0, 225.0),
    face_luma_warn: (80.0, 205.0),
    min_lighting_overlap: 0.20,

    sharpness_width_px: 128,
    sharpness: (20.0, 45.0),
    glare_min_value: 240,
    glare_max_sat: 0.15,
    glare_min_blob_share: 0.004,
    glasses_min_frame_score: 4.0,
    lens_cols: (0.03, 0.45),
    lens_half_height: 0.16,
    texture_cheek_cols: (0.10, 0.34),
    texture_cheek_rows: (0.20, 0.55),
    texture_sigmas: (1.0, 3.0),
    texture_ref_box_px: 300.0,
    min_skin_texture: 2.3,

    output_jpeg_quality: 92,
    max_upscale: 1.6,

    editors: &[
        "photoshop",
        "lightroom",
        "gimp",
        "meitu",
        "美图",
        "beautycam",
        "facetune",
        "snapseed",
        "picsart",
        "醒图",
        "轻颜",
        "faceu",
        "b612",
        "ulike",
        "美颜",
        "pixlr",
        "affinity",
        "photodirector",
        "youcam",
        "retouch",
    ],
};
