//! Reusable pieces of the UI.

mod bound_input;
mod confirm_dialog;
mod copy_button;
mod gateway_card;
mod load_error;
mod notice;
mod order_editor;
mod paste_form;
mod probe_result;
mod status_badge;

pub use bound_input::BoundInput;
pub use confirm_dialog::ConfirmDialog;
pub use copy_button::CopyButton;
pub use gateway_card::GatewayCard;
pub use load_error::LoadError;
pub use notice::NoticeBar;
pub use order_editor::{OrderDraft, OrderEditor, OrderLock};
pub use paste_form::PasteForm;
pub use probe_result::{ProbeResult, class_chip};
pub use status_badge::{KindBadge, StatusBadge};
