//! Look and feel: a calm light theme with larger text for all-day use.
//! Colours and sizes live here and nowhere else.

use eframe::egui::{self, Color32, FontFamily, FontId, TextStyle};

pub const ACCENT: Color32 = Color32::from_rgb(0x1f, 0x5f, 0xa8);
pub const OK: Color32 = Color32::from_rgb(0x1e, 0x7d, 0x32);
pub const WARN: Color32 = Color32::from_rgb(0xb2, 0x6a, 0x00);
pub const ERROR: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);
pub const MUTED: Color32 = Color32::from_rgb(0x5f, 0x63, 0x68);
pub const PANEL_BG: Color32 = Color32::from_rgb(0xf3, 0xf5, 0xf8);
pub const NAV_BG: Color32 = Color32::from_rgb(0xe8, 0xee, 0xf6);

pub fn apply(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    ctx.style_mut_of(egui::Theme::Light, |style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(22.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(15.0, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(15.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(14.0, FontFamily::Monospace),
            ),
            (
                TextStyle::Small,
                FontId::new(12.0, FontFamily::Proportional),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 8.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
        style.spacing.interact_size.y = 28.0;
        // Always-visible scroll bars: a clerk must see that a form continues below.
        style.spacing.scroll = egui::style::ScrollStyle::solid();
        // Rows and labels are clicked as a whole; selectable text would eat the clicks.
        style.interaction.selectable_labels = false;
        // A blinking cursor repaints twice a second for as long as a field has
        // focus: under software rendering (VDI, remote desktop) that is several
        // per cent of a core for nothing. Counter applications keep it steady.
        style.visuals.text_cursor.blink = false;
        style.visuals.selection.bg_fill = ACCENT.gamma_multiply(0.35);
        style.visuals.hyperlink_color = ACCENT;
        style.visuals.panel_fill = PANEL_BG;
        // Input fields must be visible on white cards without hovering.
        style.visuals.extreme_bg_color = Color32::from_rgb(0xfb, 0xfc, 0xfd);
        style.visuals.text_edit_bg_color = Some(Color32::from_rgb(0xfb, 0xfc, 0xfd));
        style.visuals.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, Color32::from_gray(185));
        style.visuals.widgets.inactive.fg_stroke.color = Color32::from_gray(40);
        style.visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(50);
    });
}
