//! The review of one application, shown by the 审核队列 screen: computed
//! pre-checks on top, the photo with its report and overlay (the replaced
//! photo beside it for a photo change), the applicant and licence, the
//! standard reasons with their keys, and the reject dialog with the
//! one-time notice it will send. Here: what the clerk has chosen and what
//! follows from it; beside it: `page` (drawing), `photos`, `keys`,
//! `reject_dialog`, `approve` (F8 and the photo override).

use eframe::egui::{self, ColorImage, TextureHandle, TextureOptions};

mod approve;
mod keys;
mod page;
mod photos;
mod reject_dialog;

use crate::app::review::ReviewItem;
use crate::app::review::Ticket;
use crate::domain::review::eligibility::PreVerdict;
use crate::domain::review::notice::{NoticeInput, clean_free_text, compose};
use crate::domain::review::queue::cst_date;
use crate::domain::review::reasons::normalise;
use crate::domain::review::{AppKind, Outcome, Reason};
use crate::photo::PhotoReport;
use crate::ui::kit::viewer::DocViewer;
use crate::ui::review::override_dialog::OverrideDialog;

/// Why a counter clerk's F2 does nothing (the queue and the review say it).
pub(crate) const NO_CLAIM_FOR_ROLE: &str =
    "领取和审核（F2）仅限审核岗；窗口岗可以查看申请，不作审核决定。";

/// A photo on its way to the screen.
pub enum PhotoSlot {
    None,
    /// Bytes not yet handed to the job runner.
    Waiting(Vec<u8>),
    Decoding,
    Ready {
        texture: TextureHandle,
        report: Option<Box<PhotoReport>>,
    },
    Failed(String),
}

/// Pixels decoded on the job runner, ready to upload.
pub struct Decoded {
    pub image: ColorImage,
    pub report: Option<Box<PhotoReport>>,
}

/// One opened application and what the clerk has chosen so far.
pub struct ReviewView {
    pub item: Box<ReviewItem>,
    pub ticket: Option<Ticket>,
    pub reasons: Vec<Reason>,
    pub free_text: String,
    /// The reject dialog is up.
    pub rejecting: bool,
    /// A decision is on its way to the worker.
    pub deciding: bool,
    /// The last decision or lease error, in the clerk's words.
    pub error: Option<String>,
    pub photo: PhotoSlot,
    pub previous: PhotoSlot,
    /// Whether the free-text field had focus last frame (letters type there then).
    pub free_text_focused: bool,
    pub(crate) dialog_fresh: bool,
    /// Claimed or decided elsewhere since it was opened (the store changed).
    pub changed_elsewhere: Option<String>,
    /// The document viewer over the photos or scans, while open.
    pub viewer: Option<DocViewer>,
    /// 照片检测不合格仍通过: the dialog F8 opened.
    pub overriding: Option<OverrideDialog>,
    /// The signed-in role may claim (F2); a counter clerk only looks.
    pub may_claim: bool,
}

/// What the clerk pressed or clicked in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    OpenReject,
    ConfirmReject,
    CloseReject,
    /// Ctrl+Enter in the override dialog, with a valid reason.
    ConfirmOverride,
    CloseOverride,
    /// Opens the viewer at this photo or scan.
    View(usize),
    Next,
    Back,
}

impl ReviewView {
    pub fn new(item: Box<ReviewItem>) -> Self {
        let slot = |p: &Option<crate::app::review::PhotoView>| match p {
            Some(p) => PhotoSlot::Waiting(p.bytes.clone()),
            None => PhotoSlot::None,
        };
        ReviewView {
            ticket: item.ticket,
            // A decided application shows what was decided, not the suggestions.
            reasons: match &item.decision {
                Some(d) => d.reasons.clone(),
                None => item.pre_checks.preselected.clone(),
            },
            free_text: String::new(),
            rejecting: false,
            deciding: false,
            error: None,
            photo: slot(&item.photo),
            previous: if item.kind == AppKind::PhotoChange {
                slot(&item.previous_photo)
            } else {
                PhotoSlot::None
            },
            item,
            free_text_focused: false,
            dialog_fresh: false,
            changed_elsewhere: None,
            viewer: None,
            overriding: None,
            may_claim: true,
        }
    }

    /// The clerk may decide (holds the claim, not read-only).
    pub fn can_decide(&self) -> bool {
        self.ticket.is_some()
            && self.item.read_only_reason.is_none()
            && self.changed_elsewhere.is_none()
    }

    /// Why 通过 and 退回 are unavailable, in the clerk's words (`None`: they
    /// are available).
    pub fn why_no_decision(&self) -> Option<String> {
        if let Some(r) = &self.item.read_only_reason {
            return Some(format!("只读：{r}"));
        }
        if let Some(c) = &self.changed_elsewhere {
            return Some(c.clone());
        }
        if self.ticket.is_none() {
            return Some("未领取该申请：按 F2 领取后才能作决定。".to_owned());
        }
        self.deciding.then(|| "正在保存上一个决定…".to_owned())
    }

    /// A pre-check that forbids approving, if any.
    pub fn blocking(&self) -> Option<String> {
        self.item
            .pre_checks
            .items
            .iter()
            .find(|i| i.verdict == PreVerdict::Block)
            .map(|i| format!("{}：{}", i.title, i.message.trim_end_matches('。')))
    }

    /// F9: the reject dialog, with the cursor in 补充说明.
    pub fn open_reject(&mut self) {
        self.rejecting = true;
        self.dialog_fresh = true;
        self.error = None;
    }

    pub fn toggle(&mut self, r: Reason) {
        if let Some(i) = self.reasons.iter().position(|x| *x == r) {
            self.reasons.remove(i);
        } else {
            self.reasons.push(r);
        }
    }

    /// The one-time notice the current reasons would send.
    pub fn notice(&self) -> Result<String, String> {
        let reasons = normalise(&self.reasons).map_err(str::to_owned)?;
        let free = clean_free_text(&self.free_text)?;
        Ok(compose(&NoticeInput {
            kind: self.item.kind,
            app_no: &self.item.app_no,
            receipt_no: self.item.registration.as_ref().map(|r| r.number.as_str()),
            submitted_on: cst_date(self.item.submitted_at),
            outcome: Outcome::Reject,
            reasons: &reasons,
            free_text: &free,
        })
        .notice)
    }

    /// Uploads decoded photos (on the UI thread only the upload happens).
    pub fn deliver(&mut self, ctx: &egui::Context, previous: bool, done: Result<Decoded, String>) {
        let name = if previous {
            "review_previous"
        } else {
            "review_photo"
        };
        let slot = match done {
            Ok(d) => PhotoSlot::Ready {
                texture: ctx.load_texture(name, d.image, TextureOptions::LINEAR),
                report: d.report,
            },
            Err(e) => PhotoSlot::Failed(e),
        };
        if previous {
            self.previous = slot;
        } else {
            self.photo = slot;
        }
    }
}
