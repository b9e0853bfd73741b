#!/usr/bin/env python3
"""Side-by-side QR decoder benchmark on the scanner-lab dataset (issue 3).

For every image in DATASET/manifest.json and every peer decoder (ZXing-C++,
ZBar, OpenCV), the image is loaded once as an 8-bit grayscale numpy array
(outside timing), each decoder is warmed up on one image, and then only the
decode call is timed: the best of --repeat runs (default 3), measured with
time.perf_counter. Success means the expected text is among the decoded
texts; every decoded text that is not the expected one counts as a false
positive. Median and p95 times are over every image of a set, read or not
(p95: numpy.percentile, linear interpolation). Our scanner's results are merged from --ours RESULTS.json:

    {"decoder": "docket",
     "results": [{"file": "clean/1280x720-003.png", "texts": ["SC1:..."], "ms": 1.23}]}

(`ms` there should be measured the same way: decode call only, best of 3,
after warm-up, one thread.) Images missing from that file count as misses.

Decoders run one at a time on one thread: OpenCV is set to one thread
(cv2.setNumThreads(1)); ZXing-C++ and ZBar decode on the calling thread
(neither starts threads of its own in these calls).

Output: Markdown tables per class (plus `all` and `all_but_combined_worst`),
per resolution, and per class at 1280x720 (the frame size of the timing
target); --json OUT writes every figure and every per-image result.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ALL = "all"
ALL_BUT_WORST = "all_but_combined_worst"
WORST = "combined_worst"
TIMING_RESOLUTION = "1280x720"


# --- peer decoders --------------------------------------------------------


class Decoder:
    """One decoder: prepare() runs outside timing, decode() is timed."""

    name = ""
    version = ""

    def prepare(self, gray: np.ndarray):
        return gray

    def decode(self, prepared) -> list[str]:
        raise NotImplementedError


class ZXing(Decoder):
    name = "zxing-cpp"

    def __init__(self) -> None:
        import zxingcpp

        self.zx = zxingcpp
        self.version = importlib.metadata.version("zxing-cpp")
        self.formats = zxingcpp.BarcodeFormat.QRCode

    def decode(self, prepared) -> list[str]:
        # Library defaults otherwise (try_rotate, try_downscale, try_invert,
        # LocalAverage binarizer), as an app would call it.
        return [r.text for r in self.zx.read_barcodes(prepared, formats=self.formats)]


class ZBar(Decoder):
    name = "zbar"

    def __init__(self) -> None:
        from pyzbar import pyzbar

        self.pyzbar = pyzbar
        self.version = "pyzbar " + importlib.metadata.version("pyzbar")
        self.symbols = [pyzbar.ZBarSymbol.QRCODE]

    def prepare(self, gray: np.ndarray):
        # pyzbar takes (bytes, width, height) for 8-bit gray; converting the
        # array is done here, outside timing.
        height, width = gray.shape
        return (gray.tobytes(), width, height)

    def decode(self, prepared) -> list[str]:
        out = []
        for r in self.pyzbar.decode(prepared, symbols=self.symbols):
            out.append(r.data.decode("utf-8", errors="replace"))
        return out


class OpenCV(Decoder):
    name = "opencv"

    def __init__(self, mode: str) -> None:
        import cv2

        cv2.setNumThreads(1)
        self.cv2 = cv2
        self.mode = mode
        self.version = cv2.__version__ + f" ({mode})"
        self.detector = cv2.QRCodeDetector()

    def decode(self, prepared) -> list[str]:
        if self.mode == "multi":
            ok, texts, _points, _straight = self.detector.detectAndDecodeMulti(prepared)
            return [t for t in texts if t] if ok else []
        text, _points, _straight = self.detector.detectAndDecode(prepared)
        return [text] if text else []


def make_decoders(names: list[str], opencv_mode: str) -> list[Decoder]:
    made = []
    for name in names:
        if name == "zxing-cpp":
            made.append(ZXing())
        elif name == "zbar":
            made.append(ZBar())
        elif name == "opencv":
            made.append(OpenCV(opencv_mode))
        else:
            sys.exit(f"bench.py: unknown decoder {name!r} (zxing-cpp, zbar, opencv)")
    return made


# --- running --------------------------------------------------------------


def load_gray(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.ascontiguousarray(np.asarray(im.convert("L"), dtype=np.uint8))


def run_decoder(decoder: Decoder, images: list[dict], arrays: dict, repeat: int) -> list[dict]:
    # Warm-up on one image (code paths, caches, lazy initialisation).
    warm = decoder.prepare(arrays[images[0]["file"]])
    decoder.decode(warm)
    results = []
    for image in images:
        prepared = decoder.prepare(arrays[image["file"]])
        best = None
        texts: list[str] = []
        error = None
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                texts = decoder.decode(prepared)
            except Exception as e:  # a decoder that throws has read nothing
                texts, error = [], f"{type(e).__name__}: {e}".strip()
            elapsed = (time.perf_counter() - start) * 1000.0
            best = elapsed if best is None else min(best, elapsed)
        result = {"file": image["file"], "texts": texts, "ms": best}
        if error:
            result["error"] = error
        results.append(result)
    return results


def load_ours(path: Path, images: list[dict]) -> tuple[str, list[dict]]:
    data = json.loads(path.read_text())
    name = data.get("decoder", "ours")
    by_file = {r["file"]: r for r in data.get("results", [])}
    unknown = set(by_file) - {i["file"] for i in images}
    if unknown:
        print(f"bench.py: {len(unknown)} results in {path} name no image of the manifest, "
              f"e.g. {sorted(unknown)[0]}", file=sys.stderr)
    results = []
    missing = 0
    for image in images:
        r = by_file.get(image["file"])
        if r is None:
            missing += 1
            results.append({"file": image["file"], "texts": [], "ms": None, "missing": True})
        else:
            results.append({"file": image["file"], "texts": list(r.get("texts", [])),
                            "ms": r.get("ms")})
    if missing:
        print(f"bench.py: {missing} images have no result in {path}; counted as misses",
              file=sys.stderr)
    return name, results


# --- figures --------------------------------------------------------------


def score(images: list[dict], results: list[dict]) -> list[dict]:
    """Per-image verdicts: ok (expected text found), false positives."""
    scored = []
    for image, r in zip(images, results):
        expected = image["expected_text"]
        wrong = [t for t in r["texts"] if t != expected]
        scored.append({
            **r,
            "class": image["class"],
            "resolution": image["resolution"],
            "ok": expected in r["texts"],
            "false_positives": len(wrong),
        })
    return scored


def percentile(values: list[float], q: float) -> float | None:
    # numpy's default (linear interpolation between closest ranks).
    return float(np.percentile(values, q)) if values else None


def summarise(rows: list[dict]) -> dict:
    times = [r["ms"] for r in rows if r["ms"] is not None]
    n = len(rows)
    ok = sum(r["ok"] for r in rows)
    return {
        "images": n,
        "decoded": ok,
        "success_pct": 100.0 * ok / n if n else None,
        "median_ms": statistics.median(times) if times else None,
        "p95_ms": percentile(times, 95),
        "false_positives": sum(r["false_positives"] for r in rows),
        "images_with_false_positives": sum(r["false_positives"] > 0 for r in rows),
        "exceptions": sum("error" in r for r in rows),
    }


def groups_by_class(classes: list[str]) -> list[tuple[str, callable]]:
    out = [(c, lambda r, c=c: r["class"] == c) for c in classes]
    out.append((ALL, lambda r: True))
    out.append((ALL_BUT_WORST, lambda r: r["class"] != WORST))
    return out


def table(title: str, groups, decoders: list[str], scored: dict[str, list[dict]]):
    figures = {}
    lines = [f"### {title}", ""]
    header = "| set | n |" + "".join(f" {d} ok % | {d} median ms | {d} p95 ms | {d} FP |"
                                     for d in decoders)
    lines += [header, "|---|---:|" + "---:|---:|---:|---:|" * len(decoders)]
    for name, keep in groups:
        cells = []
        figures[name] = {}
        count = None
        for d in decoders:
            rows = [r for r in scored[d] if keep(r)]
            s = summarise(rows)
            figures[name][d] = s
            count = s["images"]
            cells.append(f" {fmt(s['success_pct'], 1)} | {fmt(s['median_ms'], 2)} | "
                         f"{fmt(s['p95_ms'], 2)} | {s['false_positives']} |")
        if not count:
            continue
        label = f"**{name}**" if name in (ALL, ALL_BUT_WORST) else name
        lines.append(f"| {label} | {count} |" + "".join(cells))
    return "\n".join(lines) + "\n", figures


def fmt(value, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


# --- main -----------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True, type=Path, help="directory with manifest.json")
    parser.add_argument("--ours", type=Path, help="our scanner's results JSON to merge")
    parser.add_argument("--json", type=Path, help="write every figure and per-image result here")
    parser.add_argument("--decoders", default="zxing-cpp,zbar,opencv",
                        help="peer decoders to run, comma-separated (empty for none)")
    parser.add_argument("--opencv-mode", choices=["single", "multi"], default="single",
                        help="QRCodeDetector.detectAndDecode (single) or detectAndDecodeMulti")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per image; best is kept")
    parser.add_argument("--classes", help="only these classes, comma-separated")
    parser.add_argument("--resolutions", help="only these resolutions, comma-separated")
    parser.add_argument("--limit", type=int, help="at most this many images per class and resolution")
    args = parser.parse_args()

    manifest = json.loads((args.dataset / "manifest.json").read_text())
    images = manifest["images"]
    classes = manifest.get("classes") or sorted({i["class"] for i in images})
    if args.classes:
        keep = set(args.classes.split(","))
        classes = [c for c in classes if c in keep]
        images = [i for i in images if i["class"] in keep]
    if args.resolutions:
        keep = set(args.resolutions.split(","))
        images = [i for i in images if i["resolution"] in keep]
    if args.limit:
        seen: dict[tuple[str, str], int] = {}
        kept = []
        for i in images:
            key = (i["class"], i["resolution"])
            seen[key] = seen.get(key, 0) + 1
            if seen[key] <= args.limit:
                kept.append(i)
        images = kept
    if not images:
        sys.exit("bench.py: no images selected")

    print(f"loading {len(images)} images from {args.dataset}", file=sys.stderr)
    arrays = {i["file"]: load_gray(args.dataset / i["file"]) for i in images}

    scored: dict[str, list[dict]] = {}
    versions: dict[str, str] = {}
    names = [n for n in args.decoders.split(",") if n]
    for decoder in make_decoders(names, args.opencv_mode):
        started = time.perf_counter()
        results = run_decoder(decoder, images, arrays, args.repeat)
        scored[decoder.name] = score(images, results)
        versions[decoder.name] = decoder.version
        ok = sum(r["ok"] for r in scored[decoder.name])
        errors = sum("error" in r for r in scored[decoder.name])
        print(f"{decoder.name} {decoder.version}: {ok}/{len(images)} in "
              f"{time.perf_counter() - started:.1f} s"
              + (f" ({errors} decode calls raised; counted as misses)" if errors else ""),
              file=sys.stderr)
    if args.ours:
        name, results = load_ours(args.ours, images)
        scored = {name: score(images, results), **scored}
        versions[name] = f"from {args.ours}"
    decoders = list(scored)
    if not decoders:
        sys.exit("bench.py: no decoders to report")

    resolutions = manifest.get("resolutions") or sorted({i["resolution"] for i in images})
    report = [
        f"## QR decoders on {args.dataset} ({manifest.get('generator')}, {len(images)} images)",
        "",
        "Decode call only, best of %d runs after warm-up, one thread; median and p95 over every "
        "image of the set, read or not; FP = decoded texts other than the expected one. "
        "Versions: %s." % (
            args.repeat, ", ".join(f"{d} {v}" for d, v in versions.items())),
        "",
    ]
    text, by_class = table("Per class, all resolutions", groups_by_class(classes), decoders, scored)
    report.append(text)
    res_groups = [(r, lambda x, r=r: x["resolution"] == r) for r in resolutions]
    res_groups += [(ALL_BUT_WORST + " @ " + r,
                    lambda x, r=r: x["resolution"] == r and x["class"] != WORST)
                   for r in resolutions]
    text, by_resolution = table("Per resolution", res_groups, decoders, scored)
    report.append(text)
    at_720 = [(name, lambda x, keep=keep: x["resolution"] == TIMING_RESOLUTION and keep(x))
              for name, keep in groups_by_class(classes)]
    text, by_class_720 = table(f"Per class at {TIMING_RESOLUTION}", at_720, decoders, scored)
    report.append(text)
    print("\n".join(report))

    if args.json:
        out = {
            "dataset": str(args.dataset),
            "generator": manifest.get("generator"),
            "images": len(images),
            "timing": {"repeat": args.repeat, "statistic": "min", "unit": "ms",
                       "p95": "numpy.percentile, linear"},
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count()},
            "decoders": versions,
            "per_class": by_class,
            "per_resolution": by_resolution,
            "per_class_1280x720": by_class_720,
            "results": scored,
        }
        args.json.write_text(json.dumps(out, indent=1) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
