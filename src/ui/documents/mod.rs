//! 证件核验: every document number checked, with the reason in Chinese.

pub mod document_check;
pub mod id_check;
