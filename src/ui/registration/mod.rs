//! 个人面签, 单位面签 and 面签记录: the forms, scans, the list and an opened record.

pub mod company;
pub mod form;
pub mod list;
pub mod person;
pub mod record;
pub mod scan_slots;
pub mod screen;
