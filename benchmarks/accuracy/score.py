#!/usr/bin/env python3
"""Scores `panoptic scan` against the hand-labelled corpus in benchmarks/accuracy/labels (README.md there).

usage: score.py --repos DIR [--panoptic CMD] [--json] [LABEL.yaml ...]
       score.py --export MIRROR_GIT_DIR DIR/<owner>+<name> COMMIT    (checkout of a bare mirror at a commit)
"""
import argparse
import glob
import json
import os
import shlex
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PRODUCTION = {"core", "optional"}


def scan(panoptic, checkout):
    out = subprocess.run(shlex.split(panoptic) + ["scan", checkout, "--format", "json", "--no-progress"],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"scan of {checkout} failed ({out.returncode}): {out.stderr[-500:]}")
    registry = json.loads(out.stdout)
    return {e["id"]: e for e in registry.get("backend_connections", []) + registry.get("external_apis", [])}


def evidence_holds(checkout, evidence):
    """True when the cited line holds what the evidence's detail names."""
    path = os.path.join(checkout, evidence["file"])
    if not os.path.isfile(path):
        return False
    if evidence["kind"].startswith("platform_file"):
        return True
    if evidence["kind"].startswith("integration_folder"):
        # The claim is the folder: the file must be inside it.
        return evidence["file"].startswith(evidence["detail"])
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
    except OSError:
        return False
    line = evidence["line"]
    if line < 1 or line > len(lines):
        return False
    text = lines[line - 1].lower()
    detail = evidence["detail"].lower()
    if "://" in detail:
        detail = detail.split("://")[0] + "://"
    elif "=" in detail:
        detail = detail.split("=")[0]
    elif " defaults to " in detail:
        detail = detail.split(" defaults to ")[0]
    elif detail.startswith("helm chart "):
        detail = detail[len("helm chart "):]
    else:
        detail = detail.split(" ")[0]
    # A normalized image ("postgres") or a module path shows in the line as written.
    return detail in text or detail.split("/")[-1] in text or detail.split(":")[-1] in text


def score(label_file, repos, panoptic, strict_ids=False):
    with open(label_file, encoding="utf-8") as f:
        labels = yaml.safe_load(f)
    checkout = os.path.join(repos, labels["repo"].replace("/", "+"))
    if not os.path.isdir(checkout):
        raise SystemExit(f"{checkout}: no checkout (score.py --export makes one)")
    found = scan(panoptic, checkout)
    entries = {e["id"]: e for e in labels.get("entries") or []}
    if not strict_ids:
        found = by_place(found, entries)
    negatives = {n["id"] for n in labels.get("negatives") or []}
    r = {"repo": labels["repo"], "commit": labels["commit"][:7]}
    core = [i for i, e in entries.items() if e["status"] == "core"]
    optional = [i for i, e in entries.items() if e["status"] == "optional"]
    r["core"] = (sum(1 for i in core if i in found), len(core))
    r["optional"] = (sum(1 for i in optional if i in found), len(optional))
    claimed = [i for i, e in found.items() if e["status"] in PRODUCTION]
    r["precision"] = (sum(1 for i in claimed if i in entries and i not in negatives), len(claimed))
    matched = [i for i in entries if i in found]
    agree = sum(1 for i in matched if (entries[i]["status"] == "core") == (found[i]["status"] == "core"))
    r["status"] = (agree, len(matched))
    cited = [found[i]["evidence"][0] for i in matched if found[i]["evidence"]]
    r["evidence"] = (sum(1 for e in cited if evidence_holds(checkout, e)), len(cited))
    r["missed"] = sorted(i for i in core + optional if i not in found)
    r["wrong_status"] = sorted(f"{i} ({entries[i]['status']}, said {found[i]['status']})" for i in matched
                               if (entries[i]["status"] == "core") != (found[i]["status"] == "core"))
    r["false"] = sorted(i for i in claimed if i not in entries or i in negatives)
    r["bad_evidence"] = sorted(f"{i}: {found[i]['evidence'][0]['file']}:{found[i]['evidence'][0]['line']}" for i in matched
                               if found[i]["evidence"] and not evidence_holds(checkout, found[i]["evidence"][0]))
    return r


def by_place(found, entries):
    """Registry entries keyed by label id, with unlisted hosts matched to labels by the file they cite.

    A label with a new id (a project's own update check, say) names something the catalog has no id for; the scanner
    reports such a use as an entry whose id is the host it calls (it holds a dot, which no catalog id does). Such an
    entry stands for the label when one of its pieces of evidence is in the label's evidence file, and the label's id
    found nothing by itself. Each host entry stands for one label at most.
    """
    found = dict(found)
    for label_id, label in entries.items():
        if label_id in found:
            continue
        file = str(label.get("evidence", "")).rsplit(":", 1)[0]
        for entry_id, entry in sorted(found.items()):
            if "." in entry_id and entry_id not in entries and any(e["file"] == file for e in entry.get("evidence", [])):
                found[label_id] = found.pop(entry_id)
                break
    return found


def ratio(pair):
    return f"{pair[0] / pair[1]:.2f} ({pair[0]}/{pair[1]})" if pair[1] else "–"


def export(mirror, out, commit):
    """Writes the tree at `commit` file by file: a mirror may lack its largest blobs, and those are skipped."""
    git = ["git", "--git-dir", mirror]
    listing = subprocess.run(git + ["ls-tree", "-r", "-z", commit], capture_output=True, check=True).stdout
    skipped = 0
    for row in filter(None, listing.split(b"\0")):
        meta, path = row.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind != b"blob":
            continue
        blob = subprocess.run(git + ["cat-file", "blob", sha], capture_output=True)
        if blob.returncode != 0:
            skipped += 1
            continue
        target = os.path.join(out, os.fsdecode(path))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if mode == b"120000":
            if not os.path.lexists(target):
                os.symlink(blob.stdout, target)
            continue
        with open(target, "wb") as f:
            f.write(blob.stdout)
    if skipped:
        print(f"{out}: {skipped} blobs absent from the mirror were skipped", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos")
    parser.add_argument("--panoptic", default=os.path.join(ROOT, "panoptic"))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--details", action="store_true", help="list what is missed, wrong and falsely claimed")
    parser.add_argument("--strict-ids", action="store_true", help="match labels by id only (no unlisted host stands for a new-id label)")
    parser.add_argument("--export", nargs=3, metavar=("MIRROR", "OUT", "COMMIT"))
    parser.add_argument("labels", nargs="*")
    args = parser.parse_args()
    if args.export:
        mirror, out, commit = args.export
        export(mirror, out, commit)
        return
    if not args.repos:
        parser.error("--repos is required")
    files = args.labels or sorted(glob.glob(os.path.join(HERE, "labels", "*.yaml")))
    results = [score(f, args.repos, args.panoptic, args.strict_ids) for f in files]
    keys = ["core", "optional", "precision", "status", "evidence"]
    total = {k: (sum(r[k][0] for r in results), sum(r[k][1] for r in results)) for k in keys}
    if args.json:
        print(json.dumps({"repositories": results, "total": total}, indent=2))
        return
    print("| repository | commit | core recall | optional recall | precision | status agreement | evidence |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['repo']} | {r['commit']} | " + " | ".join(ratio(r[k]) for k in keys) + " |")
    print("| **all** | | " + " | ".join(f"**{ratio(total[k])}**" for k in keys) + " |")
    if args.details:
        for r in results:
            print(f"\n{r['repo']}:")
            for k in ["missed", "wrong_status", "false", "bad_evidence"]:
                if r[k]:
                    print(f"  {k}: {', '.join(r[k])}")


if __name__ == "__main__":
    sys.exit(main())
