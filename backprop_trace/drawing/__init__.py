"""Stage 6, descriptions → frames: what each frame shows, the boxes and the DOT of the one
layout, the layout engine, every frame drawn from that layout (SVG), the HTML player,
PNG/PDF conversion and tangent plots. Drawing draws: writing files is ``outputs``' work."""
