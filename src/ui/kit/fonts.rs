//! The bundled CJK font, registered for both families before any text is laid out
//! (the test harness has no system fonts, and a missing glyph panics there).

use eframe::egui;

/// Noto Sans CJK SC subset to GBK (OFL-1.1, see assets/fonts/LICENSE-OFL.txt).
static CJK_FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-GBK.otf");

const CJK_NAME: &str = "noto-sans-sc";

/// Builds font definitions with the CJK face first in both families, egui's
/// defaults (emoji, icons) behind it as fallback.
pub fn definitions() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        CJK_NAME.to_owned(),
        std::sync::Arc::new(egui::FontData::from_static(CJK_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .insert(0, CJK_NAME.to_owned());
    }
    fonts
}

/// Installs the fonts on a context. Call from the app constructor, which the
/// screenshot harness also runs.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}
