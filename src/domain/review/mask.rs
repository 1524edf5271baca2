//! Masking for the queue's lists and printouts: the same rule as every other
//! list (one rule in one place, `domain::registration::mask`).

pub use crate::domain::registration::mask::{mask_document, mask_mobile};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_masks_like_the_registrations() {
        assert_eq!(mask_document("110101199003070011"), "110101********0011");
        assert_eq!(mask_document("110101900307001"), "110101*****7001");
        assert_eq!(mask_document("H12345678"), "H12****78");
        assert_eq!(mask_document("12"), "**");
        assert_eq!(mask_document(""), "");
        assert_eq!(mask_mobile("13812345678"), "138****5678");
    }
}
