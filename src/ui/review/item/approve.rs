//! Before 通过 takes effect: the photo report must be back, a failed photo
//! check opens the override dialog, warnings are listed; and the viewer over
//! the photos or scans of the review.

use crate::ui::review::item::PhotoSlot;

use crate::domain::review::eligibility::PreVerdict;
use crate::domain::review::photo_override;
use crate::photo::{PhotoReport, PhotoVerdict};
use crate::ui::review::facts as review_facts;
use crate::ui::review::item::ReviewView;
use crate::ui::review::override_dialog::OverrideDialog;

impl ReviewView {
    /// The photo report has arrived (or there is no photo to check): until
    /// then 通过 stays disabled.
    pub fn photo_ready(&self) -> bool {
        if self.item.photo.is_none() || !self.item.kind.has_licence() {
            return true;
        }
        matches!(self.photo, PhotoSlot::Ready { .. } | PhotoSlot::Failed(_))
    }

    fn live_report(&self) -> Option<&PhotoReport> {
        match &self.photo {
            PhotoSlot::Ready {
                report: Some(r), ..
            } => Some(r),
            _ => None,
        }
    }

    /// Approving needs an override: the intake check or the report on
    /// screen has a failed item.
    pub fn needs_override(&self) -> bool {
        photo_override::needed(&self.item.photo_failed)
            || self
                .live_report()
                .is_some_and(|r| r.verdict == PhotoVerdict::Fail)
    }

    /// The failed photo checks in words, for the override dialog.
    pub fn failed_items(&self) -> Vec<String> {
        match self.live_report() {
            Some(r) if r.checks.iter().any(|c| c.verdict == PhotoVerdict::Fail) => r
                .checks
                .iter()
                .filter(|c| c.verdict == PhotoVerdict::Fail)
                .map(|c| format!("{}：{}（{}）", c.name, c.value, c.limit))
                .collect(),
            _ => photo_override::failed_labels(&self.item.photo_failed),
        }
    }

    /// What to keep in mind before approving, without a reason: pre-checks
    /// that warn (the photo's own line aside) and photo checks that warn.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .item
            .pre_checks
            .items
            .iter()
            .filter(|c| c.verdict == PreVerdict::Warn && c.id != "photo")
            .map(|c| format!("{}：{}", c.title, c.message.trim_end_matches('。')))
            .collect();
        if let Some(r) = self.live_report() {
            out.extend(
                r.checks
                    .iter()
                    .filter(|c| c.verdict == PhotoVerdict::Warn)
                    .map(|c| format!("{}：{}（{}）", c.name, c.value, c.limit)),
            );
        }
        out
    }

    /// F8: opens the override dialog when the photo failed; true when the
    /// approval may go ahead as it is.
    pub fn approve_or_ask(&mut self) -> bool {
        if !self.can_decide() || self.blocking().is_some() {
            return true;
        }
        if !self.photo_ready() {
            self.error = Some("照片检测结果尚未返回，请稍候再按 F8。".to_owned());
            return false;
        }
        if self.needs_override() {
            self.overriding = Some(OverrideDialog::new(self.failed_items(), self.warnings()));
            self.error = None;
            return false;
        }
        true
    }

    /// Opens the viewer at photo or scan `at`.
    pub fn open_viewer(&mut self, at: usize) {
        let facts = self.item.registration.as_ref().map(|reg| {
            let facts = review_facts::registration(reg, Some(&self.item.doc_masked));
            (facts, reg)
        });
        self.viewer = match facts {
            Some((facts, reg)) if !reg.attachments.is_empty() => {
                Some(review_facts::scans_viewer(reg, facts, at))
            }
            Some(_) => None,
            None => review_facts::photos_viewer(&self.item, at),
        };
    }
}
