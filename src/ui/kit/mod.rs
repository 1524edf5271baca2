//! Shared pieces: widgets, forms and input, the file picker and its focus,
//! the search box, the document viewer, fonts and theme.

pub mod file_picker;
pub mod fonts;
pub mod form;
pub(crate) mod input;
pub(crate) mod picker_focus;
pub mod search_box;
pub mod theme;
pub mod viewer;
pub mod widgets;
