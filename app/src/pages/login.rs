//! The login page. A plain HTML form (it works without JavaScript): the server answers a
//! browser's form post with a redirect back here carrying what happened in the query, so the page
//! renders the same on the server and when hydrated.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What the query says happened, as (css class, text).
fn login_notice(error: Option<&str>, retry: Option<u64>) -> Option<(&'static str, String)> {
    let minutes = retry.map(|s| s.div_ceil(60).max(1)).unwrap_or(5);
    let plural = if minutes == 1 { "" } else { "s" };
    Some(match error? {
        "wrong" => ("banner-error", "Wrong password. Try again.".to_owned()),
        "locked" | "throttled" => (
            "banner-error",
            format!(
                "Too many failed attempts from your address: logins are refused for {minutes} minute{plural}. \
                 The lock ends by itself."
            ),
        ),
        "expired" => (
            "banner-info",
            "Your session ended (30 minutes without activity, 12 hours after login, or the password was reset). \
             Log in again."
                .to_owned(),
        ),
        "logged-out" => ("banner-info", "You are logged out.".to_owned()),
        "bad-request" => ("banner-error", "The form was incomplete; type the password and submit again.".to_owned()),
        _ => ("banner-error", "The panel could not check the password; the server log has the details.".to_owned()),
    })
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let notice = move || {
        let q = query.read();
        login_notice(q.get("error").as_deref(), q.get("retry").and_then(|r| r.parse().ok()))
    };
    view! {
        <section class="card auth-card">
            <h1>"Log in"</h1>
            {move || notice().map(|(class, text)| view! {
                <p class=format!("banner {class}") role="alert">{text}</p>
            })}
            <form method="post" action="/login" class="auth-form">
                <label for="password">"Admin password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    autofocus
                />
                <button type="submit" class="button-primary">"Log in"</button>
            </form>
            <p class="hint">
                "Forgot it? On the gateway host, as the user that runs the panel: "
                <code>"openclaw-auth-panel reset-password"</code>
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_name_the_wait() {
        assert_eq!(login_notice(None, None), None);
        assert!(login_notice(Some("locked"), Some(61)).unwrap().1.contains("2 minutes"));
        assert!(login_notice(Some("locked"), Some(10)).unwrap().1.contains("1 minute."));
        assert_eq!(login_notice(Some("wrong"), None).unwrap().0, "banner-error");
        assert_eq!(login_notice(Some("logged-out"), None).unwrap().0, "banner-info");
    }
}
