//! One module per page.

mod login;
mod not_found;
mod profiles;
mod setup;

pub use login::LoginPage;
pub use not_found::NotFound;
pub use profiles::ProfilesPage;
pub use setup::{SETUP_TOKEN_STORAGE_KEY, SetupPage};
