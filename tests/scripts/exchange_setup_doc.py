#!/usr/bin/env python3
"""docs/operations.md "Exchange keys", followed as an operator would (task
demo, session 7): its shell commands run as written (paths under a scratch
/etc/xueji, no sudo), its [exchange] block appended to a configuration, and
the exchange pool's environment file of "Running workers" given to
`xuejid --check-config`, which must answer "configuration ok". The
environment file used to set body_limit 4194304 with the default 8 MiB
message_limit: a worker that refuses to start. TAP on stdout; no stack."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

SRCDIR = os.environ.get("XJ_SRCDIR") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BUILDDIR = os.environ.get("XJ_BUILDDIR") or os.path.join(SRCDIR, "_build", "default")
sys.path.insert(0, os.path.join(SRCDIR, "scripts"))
import stack  # noqa: E402  (a complete configuration with its secrets)

DOC = os.path.join(SRCDIR, "docs", "operations.md")


def section(text, title):
    start = text.index(title)
    end = text.index("\n## ", start + 1)
    return text[start:end]


def blocks(text, lang=None):
    """The fenced blocks of text (of language lang when given), in order."""
    out, cur, cur_lang = [], None, None
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            if cur is None:
                cur, cur_lang = [], line[3:].strip()
            else:
                if lang is None or cur_lang == lang:
                    out.append("".join(cur))
                cur = None
        elif cur is not None:
            cur.append(line)
    return out


def main():
    print("1..1", flush=True)
    with open(DOC, encoding="utf-8") as f:
        doc = f.read()
    root = tempfile.mkdtemp(prefix="xj-xdoc-", dir="/tmp")
    etc = os.path.join(root, "etc-xueji")
    name = "an operator following \"Exchange keys\" gets an exchange worker that starts"
    try:
        keys = section(doc, "## Exchange keys")
        # the ministry's public key, as the ministry would hand it over
        work = os.path.join(root, "work")
        os.makedirs(work)
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-out", os.path.join(work, "moe.key")],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", os.path.join(work, "moe.key"), "-pubout",
                        "-out", os.path.join(work, "moe-2026-1.pem")],
                       check=True, capture_output=True)
        # a configuration with every other secret (scripts/stack.py's)
        st = stack.Stack(os.path.join(root, "st"), BUILDDIR, quiet=True)
        st.keygen()
        os.makedirs(os.path.join(etc, "secrets"), mode=0o700)
        conf = os.path.join(etc, "xueji.conf")
        st.write_conf(conf)
        sub = lambda t: t.replace("/etc/xueji", etc)
        # the setup commands, as written (sudo -u xueji: we are the owner)
        sh = [b for b in blocks(keys, "sh") if "exchange-keygen" in b][0]
        sh = sub(sh).replace("sudo -u xueji ", "")
        env = dict(os.environ, PATH=BUILDDIR + os.pathsep + os.environ["PATH"])
        r = subprocess.run(["bash", "-euo", "pipefail", "-c", sh], cwd=work, env=env,
                           capture_output=True, text=True)
        assert r.returncode == 0, "the setup commands: %s%s" % (r.stdout, r.stderr)
        ini = [b for b in blocks(keys) if b.startswith("[exchange]")][0]
        with open(conf, "a") as f:
            f.write("\n" + sub(ini))
        # the exchange pool's environment file ("Running workers")
        m = re.search(r"# /etc/xueji/xuejid-exchange1\.env.*?\n((?:#.*\n)*)((?:XUEJI_\w+=.*\n)+)",
                      doc)
        assert m, "the exchange pool's environment file in docs/operations.md"
        penv = dict(l.split("=", 1) for l in m.group(2).splitlines())
        penv.pop("XUEJI_SERVER_LISTEN", None)
        assert penv.get("XUEJI_SERVER_PORTAL") == "exchange", penv
        env = {k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")}
        env.update(penv)
        r = subprocess.run([os.path.join(BUILDDIR, "xuejid"), "-c", conf, "--check-config"],
                           env=env, capture_output=True, text=True)
        assert r.returncode == 0 and "configuration ok" in r.stdout, \
            "xuejid --check-config with %s: %s%s" % (penv, r.stdout, r.stderr[-600:])
        print("ok 1 - " + name)
        return 0
    except Exception as e:
        print("not ok 1 - " + name)
        print("# %s: %s" % (type(e).__name__, str(e)[:600].replace("\n", " ")))
        for line in traceback.format_exc().splitlines()[-6:]:
            print("# " + line)
        return 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
