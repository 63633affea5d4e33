"""The output folder: what render writes, budgeted before anything is written, atomically, only
inside the folder and one run at a time; killed part way it leaves only complete files."""

import io
import json
import os
import re
import signal
import subprocess
import sys

import numpy as np
import pytest

import backprop_trace as bt

GATE = ("f = (x + y) * z", {"x": -2, "y": 5, "z": -4})


@pytest.fixture(scope="module")
def gate():
    return bt.trace(GATE[0], at=GATE[1])


def test_comments_cannot_close_the_narratives_code_block(tmp_path):
    text = ("y = x # a\r```\r<script>alert(1)</script>\r```\n"
            "# $$\\input{/etc/passwd}$$ \ud800 \x00 \u202e")
    bt.trace(text, at={"x": 1}).render(tmp_path)
    md = (tmp_path / "steps.md").read_text(encoding="utf-8")
    fence = md.split("\n")[2]
    assert len(fence) > 3 and set(fence) == {"`"}  # longer than any run inside
    block = md.split(fence)[1]
    assert "<script>" in block and "\r" not in md and "\x00" not in md and "\u202e" not in md
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "\x00" not in html and "\u202e" not in html


def test_output_is_budgeted_before_anything_is_written(tmp_path):
    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4},
                 limits=bt.Limits(max_output_bytes=1000))
    with pytest.raises(bt.RenderError, match="max_output_bytes"):
        t.render(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_output_folder_problems_are_render_errors(tmp_path):
    t = bt.trace("f = x*y", at={"x": 1, "y": 2})
    (tmp_path / "blocked" / "index.html").mkdir(parents=True)
    with pytest.raises(bt.RenderError, match="Is a directory|cannot write"):
        t.render(tmp_path / "blocked")
    with pytest.raises(bt.RenderError):
        t.render(tmp_path / ("a" * 4087))


def test_two_runs_sharing_a_folder_take_turns(tmp_path):
    out = tmp_path / "shared"
    command = [sys.executable, "-m", "backprop_trace", "y = sin(x)*x + x*x", "--at", "x=1",
               "-o", str(out), "-q"]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    assert [r.wait(timeout=120) for r in runs] == [0, 0, 0]
    assert all(r.stderr.read() == "" for r in runs)
    frames = sorted(out.glob("step-*.svg"))
    html = (out / "index.html").read_text(encoding="utf-8")
    assert frames and f'max="{len(frames) - 1}"' in html  # one consistent set
    assert not list(out.glob(".*.tmp"))


def test_big_arrays_are_refused_with_the_limit_and_summarised_in_json(tmp_path):
    with pytest.raises(bt.DomainError, match="max_array_elements"):
        bt.trace("y = 2*x", at={"x": np.ones(2_000_000)})
    t = bt.trace("y = 2*x", at={"x": np.ones(5000)})
    import json

    t.render(tmp_path)
    doc = json.loads((tmp_path / "trace.json").read_text())
    assert doc["grad"]["x"]["shape"] == [5000]  # summarised, not 5,000 numbers per field


RENDER_MANY = """
import faulthandler, os, signal, sys, time
faulthandler.dump_traceback_later(25, exit=True, file=open(sys.argv[1] + ".hang", "w"))
# Ctrl-C as a terminal delivers it, whatever the test runner's worker passed on (an ignored
# SIGINT is inherited across exec, and Python then leaves it ignored)
signal.signal(signal.SIGINT, signal.default_int_handler)
import backprop_trace as bt
real_replace, renamed = os.replace, []


def replace(src, dst):  # the known point: a frame's temp file written, not yet renamed
    renamed.append(dst)
    if len(renamed) == 6:
        print("ready", flush=True)
        time.sleep(60)
    real_replace(src, dst)


os.replace = replace
lines = ["v0 = x"] + [f"v{i} = sin(v{i - 1})" for i in range(1, 10)]
bt.trace(lines, at={"x": 0.5}).render(sys.argv[1], formats=("svg", "png"), progress=False)
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_killed_render_leaves_only_complete_files(tmp_path, sig):
    out = tmp_path / "out"
    script = tmp_path / "render_many.py"
    script.write_text(RENDER_MANY if sig != signal.SIGTERM else
                      "import signal\nsignal.signal(signal.SIGTERM, lambda *a: "
                      "(_ for _ in ()).throw(KeyboardInterrupt()))\n" + RENDER_MANY)
    proc = subprocess.Popen([sys.executable, str(script), str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    proc.send_signal(sig)
    proc.wait(timeout=40)
    hang = tmp_path / "out.hang"
    assert not hang.exists() or not hang.read_text(), hang.read_text()  # where it was stuck
    frames = sorted(out.glob("step-*"))
    assert len(frames) == 5  # stopped part way, at the sixth file
    for f in frames:
        data = f.read_bytes()
        assert data.rstrip().endswith(b"</svg>") if f.suffix == ".svg" else \
            data.endswith(b"IEND\xaeB`\x82")
    leftovers = list(out.glob(".*.tmp"))
    assert len(leftovers) == (1 if sig == signal.SIGKILL else 0)
    bt.trace("y = x", at={"x": 1}).render(out)  # a later run removes what a SIGKILL left
    assert list(out.glob(".*.tmp")) == []


def test_render_never_writes_outside_the_output_directory(tmp_path):
    out = tmp_path / "inside"
    paths = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4}).render(out)
    assert all(p.resolve().parent == out.resolve() for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inside"]


def test_files_are_replaced_atomically(tmp_path, monkeypatch):
    from backprop_trace.outputs import folder as files

    out = files.OutputDir(tmp_path)
    out.write("steps.md", "old")
    real_replace = os.replace

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(bt.RenderError, match="disk full"):
        out.write("steps.md", "new")
    monkeypatch.setattr(files.os, "replace", real_replace)
    assert (tmp_path / "steps.md").read_text() == "old"
    assert list(tmp_path.glob(".*.tmp")) == []


def test_render_writes_every_output(tmp_path, gate):
    paths = gate.render(tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == sorted([f"step-0{k}.svg" for k in range(6)] +
                           ["index.html", "steps.md", "backward.py.txt", "trace.json"])
    out = tmp_path / "out"
    # no temp files left (the lock file, which lets one run at a time write here, stays)
    assert not [p for p in out.iterdir() if p.name.startswith(".")
                and p.name != ".backprop-trace.lock"]
    doc = json.loads((out / "trace.json").read_text())
    assert doc["grad"] == {"x": -4.0, "y": -4.0, "z": 3.0} and len(doc["steps"]) == 5
    assert doc["steps"][3]["caption"].startswith("step 4/5: ∂f/∂x")
    md = (out / "steps.md").read_text()
    assert "$$" in md and r"\frac{\partial f}{\partial x} = \frac{\partial f}{\partial u_{1}}" in md
    assert r"\mathrel{+}=" not in md  # += is the code listing's notation
    assert r"\frac{\partial f}{\partial x} = \frac{\partial f}{\partial u_{1}}" in md
    code = (out / "backward.py.txt").read_text()
    assert "u1_bar = f_bar * z" in code and "x_bar = u1_bar" in code
    html_page = (out / "index.html").read_text()
    assert "http://" not in html_page.replace("http://www.w3.org", "")  # nothing fetched
    assert "https://" not in html_page


def test_render_leaves_foreign_files_and_removes_stale_frames(tmp_path, gate):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "step-99.svg").write_text("stale frame from a longer trace")
    gate.render(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "step-99.svg").exists()


def test_unwritable_output_directory(tmp_path, gate):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(bt.RenderError, match="cannot create"):
        gate.render(blocker / "sub")


def test_progress_on_stderr_for_many_frames(tmp_path, capfd):
    lines = ["v0 = x"] + [f"v{i} = sin(v{i - 1})" for i in range(1, 60)]
    bt.trace(lines, at={"x": 0.5}).render(tmp_path)
    assert "writing frames: 62/62" in capfd.readouterr().err


def test_large_graphs_keep_outputs_compact(tmp_path):
    lines = ["v0 = x"] + [f"v{i} = sin(v{i - 1}) * v{i - 1}" for i in range(1, 80)]
    t = bt.trace(lines, at={"x": 0.5})
    assert not t.expandable
    t.render(tmp_path, progress=False)
    doc = json.loads((tmp_path / "trace.json").read_text())
    assert doc["grad_expr"] is None and doc["adjoint_expr"]["x"].startswith("∂v79/∂")
    assert "\\frac{\\partial v_{79}}{\\partial x} =" in (tmp_path / "steps.md").read_text()


def test_the_lock_file_is_never_followed_through_a_link(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    (out / ".backprop-trace.lock").symlink_to(victim)
    with pytest.raises(bt.RenderError, match="symbolic link"):
        bt.trace("y = x", at={"x": 1}).render(out)
    assert not victim.exists()


def test_a_folder_with_a_temp_files_name_is_left_alone(tmp_path):
    (tmp_path / ".index.html.x.tmp").mkdir()
    bt.trace("y = x", at={"x": 1}).render(tmp_path)
    assert (tmp_path / ".index.html.x.tmp").is_dir()


def test_too_little_disk_space_is_said_before_writing(tmp_path, monkeypatch):
    import shutil

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage._replace(free=1_000_000))
    with pytest.raises(bt.RenderError, match="MB free"):
        bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4}).render(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] in ([], [".backprop-trace.lock"])


def test_a_failed_write_leaves_no_partial_set(tmp_path, monkeypatch):
    from backprop_trace.outputs import folder

    real, calls = folder.write_atomically, []

    def failing(target, data):
        calls.append(target)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real(target, data)

    monkeypatch.setattr(folder, "write_atomically", failing)
    with pytest.raises(bt.RenderError, match="No space left"):
        bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4}).render(tmp_path)
    assert not list(tmp_path.glob("step-*"))


def test_png_frames_are_slide_sized(tmp_path):
    from PIL import Image

    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    paths = t.render(tmp_path, formats=("png",))
    assert Image.open(paths[0]).size == (1920, 1080)
    four = t.frames("png", aspect="4:3", png_size="3840x2880")
    assert Image.open(io.BytesIO(four[0])).size == (3840, 2880)
    with pytest.raises(bt.OptionError, match="png_size"):
        t.frames("png", png_size="100000x2")
    for size, aspect in (("1001x777", "16:9"), ("1440x1080", "16:9"), ("1920x1080.5", "16:9"),
                         ("3840x2160", "4:3")):
        with pytest.raises(bt.OptionError, match="png_size"):
            t.frames("png", png_size=size, aspect=aspect)
    assert Image.open(io.BytesIO(t.frames("png", aspect="4:3")[0])).size == (1440, 1080)
    fitted = Image.open(io.BytesIO(t.frames("png", aspect="fit", png_size="1001x777")[0]))
    assert max(fitted.size[0] - 1001, fitted.size[1] - 777) <= 0 < min(fitted.size) \
        and 1001 in fitted.size or 777 in fitted.size


def test_conversion_time_is_estimated_before_writing(tmp_path):
    text = "y = " + " + ".join(f"x{i}" for i in range(60))
    t = bt.trace(text, at={f"x{i}": 1 for i in range(60)},
                 limits=bt.Limits(max_convert_seconds=0.5))
    with pytest.raises(bt.RenderError, match="max_convert_seconds"):
        t.render(tmp_path, formats=("pdf",))
    assert not list(tmp_path.glob("step-*"))


def test_powerpoint_deck_and_animated_gif(tmp_path):
    """A deck: a title slide, then one 16:9 slide per frame, the frame filling it, its caption
    as alt text and in the notes. A GIF: one frame per frame, the last held three times."""
    import io

    from PIL import Image
    from pptx import Presentation

    t = bt.trace("f = (x + y) * z", at={"x": -2, "y": 5, "z": -4})
    written = t.render(tmp_path, formats=("pptx", "gif"), frame_seconds=0.5)
    names = {p.name for p in written}
    assert {"slides.pptx", "frames.gif", "step-00.svg", "index.html"} <= names  # frames too
    captions = t.captions()
    deck = Presentation(str(tmp_path / "slides.pptx"))
    slides = list(deck.slides)
    assert len(slides) == len(captions) + 1
    assert slides[0].shapes.title.text.startswith("backprop_trace: f = (x + y) * z")
    assert deck.slide_width * 9 == pytest.approx(deck.slide_height * 16, rel=1e-3)
    for slide, caption in zip(slides[1:], captions, strict=True):
        (picture,) = slide.shapes
        assert picture.width >= 0.9 * deck.slide_width or \
            picture.height >= 0.9 * deck.slide_height
        assert picture._element.nvPicPr.cNvPr.get("descr") == caption
        assert slide.notes_slide.notes_text_frame.text.startswith(caption)
        assert Image.open(io.BytesIO(picture.image.blob)).size == (1920, 1080)
    assert "\\frac{\\partial f}{\\partial y}" in slides[-1].notes_slide.notes_text_frame.text
    gif = Image.open(tmp_path / "frames.gif")
    durations = []
    for k in range(gif.n_frames):
        gif.seek(k)
        durations.append(gif.info["duration"])
    assert gif.size == (1920, 1080) and gif.n_frames == len(captions)
    assert durations == [500] * (len(captions) - 1) + [1500]
    # the last frame as drawn: the GIF's colours are the PNG's, to the palette's rounding
    last = np.asarray(Image.open(io.BytesIO(t.frames("png")[-1])).convert("RGB"), dtype=float)
    shown = np.asarray(gif.convert("RGB"), dtype=float)
    assert np.abs(last - shown).mean() < 2.0
    # a later run without them takes them away (they would show other frames)
    t.render(tmp_path)
    assert not (tmp_path / "slides.pptx").exists() and not (tmp_path / "frames.gif").exists()


@pytest.mark.parametrize("theme", ["default", "classic", "dark"])
def test_a_gifs_commonest_colours_are_the_frames_own_in_every_frame(tmp_path, theme):
    """The background, text and box colours of every GIF frame are exactly the PNG frame's
    (Pillow's palette mapping turned the neuron's white background into (250, 250, 250))."""
    from PIL import Image

    t = bt.trace("f = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
                 at={"w0": 2, "w1": -3, "w2": -3, "x0": -1, "x1": -2})
    pngs = t.frames("png", theme=theme)
    t.render(tmp_path, formats="gif", theme=theme)
    gif = Image.open(tmp_path / "frames.gif")
    background = bt.Options(theme=theme).resolved_theme.background
    expected = tuple(int(background[k:k + 2], 16) for k in (1, 3, 5))
    for k, png in enumerate(pngs):
        gif.seek(k)
        shown = np.asarray(gif.convert("RGB"))
        drawn = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        assert tuple(shown[0, 0]) == tuple(drawn[0, 0]) == expected, k
        colours, counts = np.unique(drawn.reshape(-1, 3), axis=0, return_counts=True)
        for colour in colours[np.argsort(counts)[-8:]]:  # the commonest, as drawn
            same = (drawn == colour).all(axis=2)
            assert (shown[same] == colour).all(), (k, colour)


def test_a_missing_extra_is_named(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pptx", None)
    t = bt.trace("f = x * y", at={"x": 1, "y": 2})
    with pytest.raises(bt.RenderError, match=r"pip install 'backprop-trace\[pptx\]'"):
        t.render(tmp_path / "out", formats="pptx")
    assert not (tmp_path / "out").exists()
    with pytest.raises(bt.OptionError, match="frame_seconds"):
        t.render(tmp_path / "out", formats="gif", frame_seconds=0)


def test_cli_writes_a_deck_and_an_animation(tmp_path):
    from test_cli import run

    code, out, err = run("f = (x + y) * z", "--at", "x=-2,y=5,z=-4", "--format", "png,pptx,gif",
                         "--frame-seconds", "0.25", "-o", str(tmp_path))
    assert code == 0 and err == ""
    assert "wrote 6 frames (png) and" in out and "slides.pptx, frames.gif" in out
    assert (tmp_path / "slides.pptx").stat().st_size > 10_000
    code, out, err = run("f = x", "--at", "x=1", "--format", "gif", "--frame-seconds", "99",
                         "-o", str(tmp_path / "no"))
    assert code == 2 and "frame_seconds" in err


def test_an_mp4_video_shows_each_frame_its_time(tmp_path, monkeypatch):
    """H.264, 1920×1080, each frame frame_seconds long, the last three times as long; its
    last picture is the last frame's; a missing extra is named."""
    import subprocess

    import imageio_ffmpeg
    from PIL import Image

    t = bt.trace("e = (a + b) * (b + 1)", at={"a": 2, "b": 1})
    t.render(tmp_path, formats="mp4", frame_seconds=0.5)
    video = tmp_path / "frames.mp4"
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(video)],
                           capture_output=True, text=True).stderr
    frames = len(t.captions())
    assert "h264" in probe and "1920x1080" in probe and "yuv420p" in probe
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", probe)
    seconds = float(duration.group(3)) + 60 * int(duration.group(2))
    assert seconds == pytest.approx(0.5 * (frames - 1) + 1.5, abs=0.05)
    last = tmp_path / "last.png"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video),
                    "-update", "1", "-y", str(last)], check=True)  # each picture over the last
    drawn = np.asarray(Image.open(io.BytesIO(t.frames("png")[-1])).convert("RGB"), dtype=float)
    shown = np.asarray(Image.open(last).convert("RGB"), dtype=float)
    assert np.abs(drawn - shown).mean() < 3.0  # the codec's rounding only
    t.render(tmp_path / "quick", formats="mp4", frame_seconds=0.25)  # not a tenth: exact
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-i",
                            str(tmp_path / "quick" / "frames.mp4")],
                           capture_output=True, text=True).stderr
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", probe)
    assert float(duration.group(3)) == pytest.approx(0.25 * (frames - 1) + 0.75, abs=0.02)
    # a minute a frame is still one picture a frame (the last three), not 600 copies of each
    t.render(tmp_path / "slow", formats="mp4", frame_seconds=60)
    decoded = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-i",
                              str(tmp_path / "slow" / "frames.mp4"), "-f", "null", "-"],
                             capture_output=True, text=True).stderr
    assert re.findall(r"frame=\s*(\d+)", decoded)[-1] == str(frames + 2)
    assert "Duration: 00:0" in decoded and f"{60 * (frames + 2) // 60:02d}:00.00" in decoded
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(bt.RenderError, match=r"pip install 'backprop-trace\[video\]'"):
        t.render(tmp_path / "out", formats="mp4")
