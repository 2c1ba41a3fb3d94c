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
# The window starts on its start screen (issue 28): each shot opens a copy of its case (a case open in a
# window is locked beside its file; the copies keep the locks out of the repository).
CASES="$HOME_DIR/cases"
mkdir -p "$CASES"
cp assets/cases/cmaj-2019-ecmo.ron tests/cases/bypass-resistance.ron tests/cases/forecast-fast-clearance.ron "$CASES/"

shot() { # size theme view file [--open case | --start]
    # The bypass view with the bypass teaching case; every other view with the CMAJ ECMO case.
    case "${5:-}" in
        --start) set -- "$1" "$2" "$3" "$4" ;;
        "") if [ "$3" = bypass ]; then CASE=bypass-resistance.ron; else CASE=cmaj-2019-ecmo.ron; fi
            set -- "$1" "$2" "$3" "$4" --open "$CASES/$CASE" ;;
    esac
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

replay_shot() { # size theme view case lefts file: the case replayed back by this many ← presses
    "$BIN" --size "$1" --theme "$2" --view "$3" --open "$CASES/$4" &
    APP=$!
    for _ in $(seq 1 60); do
        xdotool search --onlyvisible --name anticoag-planner >/dev/null 2>&1 && break
        sleep 0.5
    done
    sleep 2
    W=$(xdotool search --onlyvisible --name anticoag-planner | head -1)
    xdotool windowfocus --sync "$W"
    xdotool mousemove 1 1
    for _ in $(seq 1 "$5"); do xdotool key Left; sleep 0.4; done
    sleep 1
    import -window root -crop "$1+0+0" "$6"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}

# The forecast teaching case at day 1 19:00 (two back-test pairs): from 2 Oct 08:00, four ← (02:00,
# 01:30, 19:30, 19:00).
forecast_shot() { # size theme file
    replay_shot "$1" "$2" plots forecast-fast-clearance.ron 4 "$3"
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
    shot "$size" light algorithm "$OUT/start-light-$size.png" --start
    echo "$OUT/start-light-$size.png"
    if [ "$size" = "1024x640" ]; then
        shot "$size" high-contrast algorithm "$OUT/card-high-contrast-$size.png"
        echo "$OUT/card-high-contrast-$size.png"
        forecast_shot "$size" dark "$OUT/forecast-whatif-dark-$size.png"
        echo "$OUT/forecast-whatif-dark-$size.png"
        # A past state: the CMAJ case six events back, with its band on the card.
        replay_shot "$size" light algorithm cmaj-2019-ecmo.ron 6 "$OUT/past-state-light-$size.png"
        echo "$OUT/past-state-light-$size.png"
    else
        forecast_shot "$size" light "$OUT/forecast-plots-light-$size.png"
        echo "$OUT/forecast-plots-light-$size.png"
    fi
    kill "$XVFB"
done
