#!/usr/bin/env python3
"""Helpers of scripts/bench.

  bench.py layout-digests LAYOUT            "NAME DIGEST" per image of an OCI layout (ref.name annotation)
  bench.py floor-lists LAYOUT OUTDIR        OUTDIR/floor-blobs.txt ("DIGEST PATH", each distinct config and
                                            layer once) and OUTDIR/floor-manifests.txt ("NAME MEDIATYPE PATH")
  bench.py check REGISTRY LIST              LIST lines "REPO:TAG DIGEST": the manifest read back from
                                            http://REGISTRY must hash to DIGEST
  bench.py check-report REGISTRY REPORT N [LAYOUT]
                                            hoist's --json REPORT: N images, none failed, each digest read back
                                            from REGISTRY (the target's host is ignored: proxies) and, given the
                                            LAYOUT, equal to the source manifest of the same name
  bench.py distinct-layers-mb ARCHIVE...    MB of the distinct layers (by name) of docker-save archives
  bench.py kept OUT                         the hand-written end of a previous report OUT (from its "kept" marker)
  bench.py report RESULTS META OUT          medians, ratios and targets as markdown, to OUT and stdout
  bench.py profile FACTS JFR HOISTLOG OUT   the profile section (markdown) of one more hoist OCI push and
                                            curl floor: FACTS "KEY=VALUE" lines (walls, CPU, registry CPU,
                                            cores), JFR hoist's flight recording, HOISTLOG its -XX:+CITime output
"""
import hashlib
import tarfile
import json
import os
import re
import statistics
import sys
import urllib.request

ACCEPT = ", ".join([
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
])


def die(msg):
    print(f"bench: {msg}", file=sys.stderr)
    sys.exit(1)


def layout_images(layout):
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    for m in index["manifests"]:
        name = (m.get("annotations") or {}).get("org.opencontainers.image.ref.name")
        yield name, m["digest"], m["mediaType"]


def blob_path(layout, digest):
    algo, hexpart = digest.split(":", 1)
    return os.path.join(layout, "blobs", algo, hexpart)


def cmd_layout_digests(layout):
    for name, digest, _ in layout_images(layout):
        print(name, digest)


def cmd_floor_lists(layout, outdir):
    seen, blobs, manifests, total = set(), [], [], 0
    for name, digest, media_type in layout_images(layout):
        path = blob_path(layout, digest)
        with open(path) as f:
            manifest = json.load(f)
        manifests.append(f"{name} {media_type} {path}")
        for d in [manifest["config"]] + manifest["layers"]:
            if d["digest"] not in seen:
                seen.add(d["digest"])
                blobs.append(f"{d['digest']} {blob_path(layout, d['digest'])}")
                total += d["size"]
    with open(os.path.join(outdir, "floor-blobs.txt"), "w") as f:
        f.write("\n".join(blobs) + "\n")
    with open(os.path.join(outdir, "floor-manifests.txt"), "w") as f:
        f.write("\n".join(manifests) + "\n")
    print(f"{len(blobs)} distinct blobs, {total / 1e6:.1f} MB; {len(manifests)} manifests")


def read_back(registry, ref):
    repo, tag = ref.rsplit(":", 1)
    req = urllib.request.Request(f"http://{registry}/v2/{repo}/manifests/{tag}", headers={"Accept": ACCEPT})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return "sha256:" + hashlib.sha256(r.read()).hexdigest()
    except Exception as e:  # noqa: BLE001 - any failure is a failed check
        return f"unreadable ({e})"


def check_pairs(registry, pairs):
    bad = []
    for ref, want in pairs:
        got = read_back(registry, ref)
        if got != want:
            bad.append(f"{ref}: expected {want}, read back {got}")
    if bad:
        die("digest check failed on " + registry + ":\n  " + "\n  ".join(bad))


def cmd_check(registry, listfile):
    pairs = []
    with open(listfile) as f:
        for line in f:
            if line.strip():
                ref, digest = line.split()
                pairs.append((ref, digest))
    if not pairs:
        die(f"nothing to check in {listfile}")
    check_pairs(registry, pairs)


def cmd_check_report(registry, report, n, layout=None):
    with open(report) as f:
        r = json.load(f)
    images = r.get("images", [])
    failed = [i for i in images if i.get("status") == "failed" or not i.get("digest")]
    if len(images) != int(n) or failed or r.get("errors"):
        die(f"{report}: {len(images)} images (expected {n}), failed: {[i.get('target') for i in failed]}, "
            f"errors: {r.get('errors')}")
    source = dict((name, digest) for name, digest, _ in layout_images(layout)) if layout else {}
    pairs = []
    for i in images:
        target = i["target"]
        path = target.split("/", 1)[1]  # without the host: the proxy's port is not the registry's
        pairs.append((path, i["digest"]))
        if layout:
            tag = path.rsplit(":", 1)[1]
            if source.get(tag) != i["digest"]:
                die(f"{target}: hoist reports {i['digest']}, the layout has {source.get(tag)} for {tag}")
    check_pairs(registry, pairs)


def cmd_distinct_layers_mb(*archives):
    sizes = {}
    for a in archives:
        with tarfile.open(a) as t:
            for m in t.getmembers():
                if m.name.endswith("layer.tar"):
                    sizes[m.name] = m.size
    print(round(sum(sizes.values()) / 1e6))


# ---------------------------------------------------------------------------------------------- report

ROWS = [  # (key, label); a key None starts a section
    (None, "OCI layout → registry on loopback, cold"),
    ("oci_hoist", "hoist, one plan for all images (JVM start included)"),
    ("oci_hoist:work", "· hoist work: wall − `hoist --version` of the round"),
    ("oci_hoist:report", "· hoist's own `durationMs` (JSON report)"),
    ("oci_skopeo_seq", "skopeo copy, one per image, sequential"),
    ("oci_skopeo_par", "skopeo copy, {par} in parallel"),
    ("oci_floor", "floor: curl, {par} in parallel, POST+PUT per distinct blob, then the manifests"),
    (None, "docker-archive (uncompressed layers) → registry, gzip on the fly, cold"),
    ("arc_hoist", "hoist, one plan for all archives"),
    ("arc_hoist:work", "· hoist work: wall − `hoist --version` of the round"),
    ("arc_hoist:report", "· hoist's own `durationMs` (JSON report)"),
    ("arc_skopeo_seq", "skopeo copy, one per image, sequential"),
    ("arc_skopeo_par", "skopeo copy, {par} in parallel"),
    ("arc_docker", "docker push, one per image, sequential (CPU: client + dockerd; RSS: client)"),
    (None, "real directories: 4 docker-save archives → registry, compressed on the fly, cold"),
    ("real_hoist_gzip", "hoist, one plan for all archives, gzip (default)"),
    ("real_hoist_gzip:report", "· hoist's own `durationMs` (JSON report)"),
    ("real_skopeo_seq", "skopeo copy, one per image, sequential"),
    ("real_hoist_zstd", "hoist `--compression zstd`"),
    (None, "distant registry (+{delay} ms per response, loopback proxy), OCI layout, cold"),
    ("far_hoist", "hoist, one plan for all images"),
    ("far_hoist:work", "· hoist work: wall − `hoist --version` of the round"),
    ("far_skopeo_seq", "skopeo copy, one per image, sequential"),
    (None, "re-push of the unchanged plan (same registry; hoist keeps its cache, skopeo its blob-info cache)"),
    ("oci_hoist_repush", "hoist, OCI layout"),
    ("oci_hoist_repush:work", "· hoist work: wall − `hoist --version` of the round"),
    ("oci_skopeo_repush", "skopeo copy, OCI layout, sequential"),
    ("arc_hoist_repush", "hoist, docker-archive"),
    ("arc_hoist_repush:work", "· hoist work: wall − `hoist --version` of the round"),
    ("arc_skopeo_repush", "skopeo copy, docker-archive, sequential"),
    (None, "start-up"),
    ("version_launcher", "`scripts/hoist --version` (launcher's JVM options)"),
    ("version_plain", "`java -jar hoist.jar --version`"),
    ("shell_prompt", "`scripts/hoist shell` on a pty: start to the first prompt"),
    (None, "large: one {large} layer (a sparse file: zeros), docker-archive, `-Xmx256m`, one run"),
    ("large_hoist", "hoist"),
]

# (label, function of a round's values -> ratio, comparison, target); a comparison None is information.
def work(key):
    return lambda v: v[key] - v["version_launcher"]


RATIOS = [
    ("OCI layout, loopback: hoist work / curl floor", lambda v: work("oci_hoist")(v) / v["oci_floor"], "≤", 1.10),
    ("OCI layout, loopback: hoist wall / curl floor", lambda v: v["oci_hoist"] / v["oci_floor"], None, None),
    ("OCI layout, loopback: skopeo sequential / hoist", lambda v: v["oci_skopeo_seq"] / v["oci_hoist"], "≥", 1.1),
    ("OCI layout, loopback: skopeo {par} parallel / hoist", lambda v: v["oci_skopeo_par"] / v["oci_hoist"], None, None),
    ("distant registry: skopeo sequential / hoist", lambda v: v["far_skopeo_seq"] / v["far_hoist"], "≥", 2.0),
    ("docker-archive: best of skopeo seq/parallel / hoist",
     lambda v: min(v["arc_skopeo_seq"], v["arc_skopeo_par"]) / v["arc_hoist"], "≥", 1.0),
    ("docker-archive: docker push / hoist", lambda v: v["arc_docker"] / v["arc_hoist"], "≥", 3.0),
    ("real directories: skopeo sequential / hoist (gzip)",
     lambda v: v["real_skopeo_seq"] / v["real_hoist_gzip"], "≥", 1.2),
    ("real directories: MB stored, hoist (gzip) / skopeo",
     lambda v: v["real_hoist_gzip_mb"] / v["real_skopeo_seq_mb"], "≤", 1.0),
    ("real directories: skopeo sequential / hoist zstd", lambda v: v["real_skopeo_seq"] / v["real_hoist_zstd"], None, None),
    ("real directories: hoist gzip / hoist zstd (wall)", lambda v: v["real_hoist_gzip"] / v["real_hoist_zstd"], None, None),
    ("real directories: MB stored, hoist zstd / hoist gzip",
     lambda v: v["real_hoist_zstd_mb"] / v["real_hoist_gzip_mb"], None, None),
    ("re-push, OCI layout: hoist work (s)", work("oci_hoist_repush"), "<", 0.5),
    ("re-push, docker-archive: hoist work (s)", work("arc_hoist_repush"), "<", 0.5),
    ("re-push, OCI layout: skopeo / hoist", lambda v: v["oci_skopeo_repush"] / v["oci_hoist_repush"], None, None),
    ("re-push, docker-archive: skopeo / hoist", lambda v: v["arc_skopeo_repush"] / v["arc_hoist_repush"], None, None),
    ("`scripts/hoist --version` (s)", lambda v: v["version_launcher"], "<", 0.5),
    ("`scripts/hoist shell`: start to prompt (s)", lambda v: v["shell_prompt"], "<", 1.0),
]


def fmt(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


def cmd_report(results, metafile, out):
    meta = {}
    with open(metafile) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    # samples[(round, key)] -> list of (wall, cpu, rss_kb, extra)
    samples = {}
    with open(results) as f:
        for line in f:
            if not line.strip():
                continue
            rnd, key, wall, cpu, rss, extra = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
            samples.setdefault((int(rnd), key), []).append((
                float(wall), float(cpu) if cpu else None, float(rss) if rss else None,
                float(extra) if extra else None))
    rounds = sorted({r for r, _ in samples})

    def med(xs):
        xs = [x for x in xs if x is not None]
        return statistics.median(xs) if xs else None

    # per round, per key: median of its samples (the --version runs have several per round)
    per_round = {r: {} for r in rounds}
    for (r, key), ss in samples.items():
        per_round[r][key] = tuple(med([s[i] for s in ss]) for i in range(4))
    walls = {r: {k: v[0] for k, v in d.items()} for r, d in per_round.items()}
    for r in rounds:  # derived: work times, hoist's own durations
        w = walls[r]
        for key in list(w):
            if key.endswith("hoist") or key.endswith("hoist_repush"):
                if "version_launcher" in w:
                    per_round[r][key + ":work"] = (w[key] - w["version_launcher"], None, None, None)
                rep = per_round[r][key][3]
                if rep is not None:
                    per_round[r][key + ":report"] = (rep / 1000.0, None, None, None)

    par, delay = meta.get("parallel", "4"), meta.get("delay_ms", "20")
    lines = []
    p = lines.append
    p(f"# {meta.get('title', 'Benchmarks')}")
    p("")
    if meta.get("note"):
        p(f"> {meta['note']}")
        p("")
    p(f"Made by `{meta.get('command', 'scripts/bench')}` on {meta.get('date')} in {meta.get('elapsed')}: "
      f"{len(rounds)} round(s), every measure once per round, interleaved; the tables give medians over the rounds "
      f"(ratios: the median of the per-round ratios). Not hand-edited: rerun the script.")
    p("")
    p(f"- **Workload:** {meta.get('workload')}")
    p(f"- **Machine:** {meta.get('machine')}")
    p(f"- **Software:** {meta.get('software')}")
    p(f"- **hoist:** {meta.get('hoist')}")
    p(f"- **Method:** {meta.get('method')}")
    p(f"- **Load average** at start / end: {meta.get('load_start')} / {meta.get('load_end')}")
    p("")
    p("| measure | median wall s | CPU s | peak RSS MB |")
    p("|---|--:|--:|--:|")
    section = None
    for key, label in ROWS:
        label = label.format(par=par, delay=delay, large=re.sub(r"(\d)([KMGTP]?iB)$", r"\1 \2", meta.get("large_size", "5GiB")))
        if key is None:
            section = label
            continue
        vals = [per_round[r].get(key) for r in rounds if per_round[r].get(key)]
        if not vals:
            continue
        if section:
            p(f"| **{section}** | | | |")
            section = None
        wall = med([v[0] for v in vals])
        cpu = med([v[1] for v in vals])
        rss = med([v[2] for v in vals])
        p(f"| {label} | {fmt(wall)} | {fmt(cpu)} | {fmt(rss / 1024 if rss else None, 0)} |")
    stored = [(k, label) for k, label in [
        ("real_hoist_gzip_mb", "hoist, gzip (default)"), ("real_skopeo_seq_mb", "skopeo copy (gzip, klauspost/pgzip at its default level)"),
        ("real_hoist_zstd_mb", "hoist `--compression zstd` (level 3)")] if any(per_round[r].get(k) for r in rounds)]
    if stored:
        p("")
        p(f"Real directories ({meta.get('real', '')}): what the registry stores after the push (`du -sb` of its blobs).")
        p("")
        p("| pushed by | MB stored |")
        p("|---|--:|")
        for k, label in stored:
            p(f"| {label} | {fmt(med([per_round[r][k][0] for r in rounds if per_round[r].get(k)]), 1)} |")
    p("")
    p("## Ratios and targets")
    p("")
    p(f"Hoist's *work* is its wall time less the median `scripts/hoist --version` wall time of the same round "
      f"(JVM start excluded, reported apart above). The targets are set for a 2-core machine.")
    p("")
    p("| ratio | median | target | |")
    p("|---|--:|:-:|---|")
    met = missed = 0
    status_lines = []
    for label, f, cmp, target in RATIOS:
        label = label.format(par=par)
        vs = []
        for r in rounds:
            try:
                vs.append(f({k: v[0] for k, v in per_round[r].items()}))
            except (KeyError, ZeroDivisionError, TypeError):
                pass
        value = med(vs)
        if value is None:
            state = "not measured" if cmp else ""
        elif cmp is None:
            state = ""
        else:
            ok = {"≤": value <= target, "≥": value >= target, "<": value < target}[cmp]
            state = "met" if ok else "**MISSED**"
            met, missed = met + ok, missed + (not ok)
        tgt = f"{cmp} {target:g}" if cmp else "–"
        p(f"| {label} | {fmt(value)} | {tgt} | {state} |")
        if cmp:
            status_lines.append(f"{state.replace('*', ''):>12}  {label}: {fmt(value)} (target {tgt})")
    p("")
    p(f"{met} target(s) met, {missed} missed.")
    p("")
    p("<details><summary>Wall seconds per round</summary>")
    p("")
    p("| measure | " + " | ".join(f"round {r}" for r in rounds) + " |")
    p("|---|" + "--:|" * len(rounds))
    keys = [k for k, _ in ROWS if k and any(k in per_round[r] for r in rounds)]
    for key in keys:
        p(f"| `{key}` | " + " | ".join(fmt(per_round[r].get(key, (None,))[0]) for r in rounds) + " |")
    p("")
    p("</details>")
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
    print(text)
    print("\n".join(status_lines))


KEPT = "<!-- kept by scripts/bench: what follows is carried over from the previous report -->"


def cmd_kept(out):
    """Prints the hand-written end of a previous report (from the KEPT marker on): measurements
    that are not rerun every time, such as the compression candidates. scripts/bench appends it again."""
    try:
        with open(out) as f:
            old = f.read()
    except OSError:
        return
    i = old.find(KEPT)
    if i >= 0:
        print("\n" + old[i:].rstrip("\n"))


def cmd_profile(facts_file, jfr_file, hoist_log, out):
    facts = {}
    with open(facts_file) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                facts[k] = float(v)
    jit = {}
    with open(hoist_log, errors="replace") as f:
        for line in f:
            m = re.match(r"\s*(C[12]) Compile Time:\s*([0-9.]+) s", line)
            if m:
                jit[m.group(1)] = float(m.group(2))
    cores = facts["cores"]
    lines = []
    p = lines.append
    p("")
    p("## Profile: the OCI layout push against the curl floor")
    p("")
    p("One more run of each after the rounds, hoist with `-XX:+CITime` (and a second one with JFR, `settings=profile`, for the samples), the "
      "registry's own CPU read from `/proc` around each run. A run is CPU-bound when hoist's (or curl's) CPU "
      "plus the registry's, spread over the cores, is about its wall time: then only less CPU makes it faster.")
    p("")
    p("| run | wall s | own CPU s | of it JIT compiling s | registry CPU s | (own + registry) / cores s |")
    p("|---|--:|--:|--:|--:|--:|")
    jit_total = jit.get("C1", 0) + jit.get("C2", 0)
    for name, key, j in (("hoist (profiled)", "hoist", f"{jit_total:.2f} (C1 {jit.get('C1', 0):.2f}, C2 {jit.get('C2', 0):.2f})"),
                         ("curl floor", "floor", "–")):
        wall, cpu, reg = facts[f"{key}_wall"], facts[f"{key}_cpu"], facts[f"{key}_registry_cpu"]
        p(f"| {name} | {wall:.2f} | {cpu:.2f} | {j} | {reg:.2f} | {(cpu + reg) / cores:.2f} |")
    samples = []
    try:
        import subprocess
        raw = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", jfr_file],
                             capture_output=True, text=True, check=True).stdout
        samples = json.loads(raw)["recording"]["events"]
    except Exception as e:  # no jfr tool, or an unreadable recording: the table above still stands
        p("")
        p(f"(no JFR samples: {e})")
    if samples:
        threads, frames = {}, {}
        for ev in samples:
            v = ev["values"]
            t = re.sub(r"[0-9.:]+", "N", (v.get("sampledThread") or {}).get("javaName") or "?")
            threads[t] = threads.get(t, 0) + 1
            st = (v.get("stackTrace") or {}).get("frames") or []
            if st:
                m = st[0]["method"]
                name = f'{m["type"]["name"].replace("/", ".")}.{m["name"]}'
                frames[name] = frames.get(name, 0) + 1
        n = len(samples)
        p("")
        p(f"Where hoist's Java code ran ({n} JFR execution samples; JIT compiler threads and native code are not sampled, "
          "the JIT's share is the column above):")
        p("")
        p("| thread | share |   | top frame | share |")
        p("|---|--:|---|---|--:|")
        top_t = sorted(threads.items(), key=lambda kv: -kv[1])[:8]
        top_f = sorted(frames.items(), key=lambda kv: -kv[1])[:8]
        for i in range(max(len(top_t), len(top_f))):
            t = top_t[i] if i < len(top_t) else ("", None)
            fr = top_f[i] if i < len(top_f) else ("", None)
            p(f"| {t[0]} | {'' if t[1] is None else f'{100 * t[1] / n:.0f}%'} | | "
              f"{('`' + fr[0] + '`') if fr[0] else ''} | {'' if fr[1] is None else f'{100 * fr[1] / n:.0f}%'} |")
    text = "\n".join(lines) + "\n"
    with open(out, "w") as f:
        f.write(text)
    print(text)


def main(argv):
    cmds = {
        "profile": (cmd_profile, 4),
        "layout-digests": (cmd_layout_digests, 1),
        "floor-lists": (cmd_floor_lists, 2),
        "check": (cmd_check, 2),
        "check-report": (cmd_check_report, 3, 4),
        "report": (cmd_report, 3),
        "distinct-layers-mb": (cmd_distinct_layers_mb, 1, 99),
        "kept": (cmd_kept, 1),
    }
    if not argv or argv[0] not in cmds or not (cmds[argv[0]][1] <= len(argv) - 1 <= cmds[argv[0]][-1]):
        sys.exit(__doc__)
    cmds[argv[0]][0](*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
