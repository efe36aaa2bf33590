//! Runs a command with `stdin` written to it and its output collected (for tests that drive our
//! CLI or OpenClaw's): the exit code and stdout followed by stderr. A command killed by a signal
//! fails the test, with what it printed.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};

pub fn run(cmd: &mut Command, stdin: Option<&str>) -> (i32, String) {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    let printed = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or_else(|| panic!("killed by a signal: {printed}"));
    (code, printed)
}
