#!/bin/sh
# Takes the README's screenshots from the real window under Xvfb (issue 14): every view at 1024×640 and
# 1920×1080 in light and dark, and the card in high contrast. Needs xvfb, xdotool and imagemagick
# (`apt-get install xvfb xdotool imagemagick`); builds the app first.
#   sh docs/screenshots/take.sh            # all of them
#   sh docs/screenshots/take.sh 1024x640   # one size
set -eu
cd "$(dirname "$0")/../.."
cargo build --quiet
BIN=target/debug/anticoag-planner
OUT=docs/screenshots
SIZES=${1:-"1024x640 1920x1080"}
VIEWS="algorithm plots timeline flowsheet patient dosing-tools bypass"
HOME_DIR=$(mktemp -d)
export HOME="$HOME_DIR" XDG_CONFIG_HOME="$HOME_DIR/config" XDG_DATA_HOME="$HOME_DIR/data" XDG_RUNTIME_DIR="$HOME_DIR"
unset WAYLAND_DISPLAY

shot() { # size theme view file
    # The bypass view with the bypass teaching case; every other view with the CMAJ ECMO case.
    if [ "$3" = bypass ]; then set -- "$1" "$2" "$3" "$4" --open tests/cases/bypass-resistance.ron; fi
    "$BIN" --size "$1" --theme "$2" --view "$3" ${5:-} ${6:-} &
    APP=$!
    for _ in $(seq 1 60); do
        xdotool search --onlyvisible --name anticoag-planner >/dev/null 2>&1 && break
        sleep 0.5
    done
    sleep 2
    xdotool mousemove 1 1
    sleep 0.3
    import -window root -crop "$1+0+0" "$4"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}

forecast_shot() { # size theme file: the forecast teaching case at day 1 19:00 (two back-test pairs)
    "$BIN" --size "$1" --theme "$2" --view plots --open tests/cases/forecast-fast-clearance.ron &
    APP=$!
    for _ in $(seq 1 60); do
        xdotool search --onlyvisible --name anticoag-planner >/dev/null 2>&1 && break
        sleep 0.5
    done
    sleep 2
    W=$(xdotool search --onlyvisible --name anticoag-planner | head -1)
    xdotool windowfocus --sync "$W"
    xdotool mousemove 1 1
    # ← steps the replay back: from 2 Oct 08:00 to the 1 Oct 19:00 draw (02:00, 01:30, 19:30, 19:00).
    for _ in 1 2 3 4; do xdotool key Left; sleep 0.4; done
    sleep 1
    import -window root -crop "$1+0+0" "$3"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}

for size in $SIZES; do
    DISPLAY_NUM=$(mktemp -u XXXX | tr -dc 0-9 | head -c 3)
    DISPLAY_NUM=$((DISPLAY_NUM % 400 + 100))
    Xvfb ":$DISPLAY_NUM" -noreset -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
    XVFB=$!
    export DISPLAY=":$DISPLAY_NUM"
    sleep 1
    for theme in light dark; do
        for view in $VIEWS; do
            shot "$size" "$theme" "$view" "$OUT/$view-$theme-$size.png"
            echo "$OUT/$view-$theme-$size.png"
        done
    done
    if [ "$size" = "1024x640" ]; then
        shot "$size" high-contrast algorithm "$OUT/card-high-contrast-$size.png"
        echo "$OUT/card-high-contrast-$size.png"
        forecast_shot "$size" dark "$OUT/forecast-whatif-dark-$size.png"
        echo "$OUT/forecast-whatif-dark-$size.png"
    else
        forecast_shot "$size" light "$OUT/forecast-plots-light-$size.png"
        echo "$OUT/forecast-plots-light-$size.png"
    fi
    kill "$XVFB"
done
