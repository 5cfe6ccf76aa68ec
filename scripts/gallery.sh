#!/bin/sh
# Regenerates the README gallery: docs/gallery/*.graph → docs/gallery/*.png (+ .svg).
# Usage: scripts/gallery.sh            (builds chainrule first)
#        CHAINRULE=path/to/chainrule scripts/gallery.sh
set -eu
cd "$(dirname "$0")/.."
if [ -z "${CHAINRULE:-}" ]; then
  swift build --product chainrule >/dev/null
  CHAINRULE="$(swift build --show-bin-path)/chainrule"
fi
G=docs/gallery
draw() { # draw SOURCE OUTPUT [options…]
  src=$1; out=$2; shift 2
  "$CHAINRULE" draw "$G/$src.graph" -o "$G/$out.png" "$@"
  "$CHAINRULE" draw "$G/$src.graph" -o "$G/$out.svg" "$@"
  echo "  $G/$out.png  $G/$out.svg"
}
echo "Gallery:"
draw apples apples
draw apples-oranges apples-oranges-worksheet --worksheet --legend
draw fan-out fan-out
draw sigmoid sigmoid-fused
draw sigmoid sigmoid-expanded --expand
draw affine affine
draw relu-neuron relu-neuron-dark --theme dark
draw apples apples-print --theme print --legend
draw two-layer two-layer-collapsed --collapse layers
draw mlp mlp-collapsed --collapse neurons
draw two-layer-digits two-layer-digits
draw mlp mlp-focus --focus t47 --radius 2
