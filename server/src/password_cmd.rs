//! `reset-password`: the admin password from the host's shell. From a terminal it asks twice
//! without echo; piped, it reads one line (so provisioning scripts can set it).

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use secrecy::{ExposeSecret, SecretString};

pub fn run(data_dir: &Path) -> ExitCode {
    let password = match read_password() {
        Ok(p) => p,
        Err(message) => {
            eprintln!("openclaw-auth-panel: {message}");
            return ExitCode::from(2);
        }
    };
    match crate::auth::set_password_from(data_dir, password) {
        Ok(path) => {
            println!(
                "Admin password set in {} (Argon2id, mode 0600). Sessions opened with the old password end at \
                 their next request; no restart needed.",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(crate::auth::AuthError::Policy(p)) => {
            eprintln!("openclaw-auth-panel: {p}; nothing was changed");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("openclaw-auth-panel: {e}; nothing was changed");
            ExitCode::FAILURE
        }
    }
}

fn read_password() -> Result<SecretString, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New admin password (at least 12 characters): ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let second = rpassword::prompt_password("The same password again: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let (first, second) = (SecretString::from(first), SecretString::from(second));
        crate::auth::password::check_policy(&first, Some(&second)).map_err(|e| format!("{e}; nothing was changed"))?;
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read stdin: {e}"))?;
        let line = SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned());
        if line.expose_secret().is_empty() {
            return Err("give the new password on stdin (one line), or run this in a terminal".to_owned());
        }
        Ok(line)
    }
}
