"""Stage 5, steps → frames: what each frame shows, the DOT of the one layout, the layout
engine, frames restyled from that layout, the HTML player, PNG/PDF and the files written."""
