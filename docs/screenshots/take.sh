#!/bin/sh
# Takes the README's screenshots from the real window under Xvfb (issue 14): every view at 1024×640 and
# 1920×1080 in light and dark, and the card in high contrast. Needs xvfb, xdotool and imagemagick
# (`apt-get install xvfb xdotool imagemagick`); builds the app first.
#   sh docs/screenshots/take.sh            # all of them
#   sh docs/screenshots/take.sh 1024x640   # one size
#   ONLY=board sh docs/screenshots/take.sh # the unit board alone
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

# The unit board's folder (issue 31): six demo patients whose times are hours before now, so that due and
# overdue are read against the real clock, plus the teaching case and a broken file.
UNIT="$HOME_DIR/unit"
mkdir -p "$UNIT"
ago() { date -u -d "-$1 minutes" +%Y-%m-%dT%H:%M; }
patient() { # file title setting rows...
    FILE=$1 TITLE=$2 SETTING=$3; shift 3
    printf 'time,kind,value,unit\n' > "$HOME_DIR/rows.csv"
    for row in "$@"; do printf '%s\n' "$row" >> "$HOME_DIR/rows.csv"; done
    "$BIN" import "$HOME_DIR/rows.csv" -o "$UNIT/$FILE.ron" --title "$TITLE" --weight-kg 80 --setting "$SETTING" \
        --time-zone UTC --author "RN Demo" >/dev/null
}
patient bed01 "Bed 1 — demo patient A" icu "$(ago 600),platelets,220,10^9/L" "$(ago 600),ufh_infusion,18,units/kg/h"
patient bed02 "Bed 2 — demo patient B" ecmo_vv "$(ago 720),ufh_infusion,18,units/kg/h" "$(ago 360),anti_xa,0.45,units/mL" "$(ago 120),platelets,20,10^9/L"
patient bed03 "Bed 3 — demo patient C" icu "$(ago 120),ufh_infusion,14,units/h"
patient bed04 "Bed 4 — demo patient D" icu "$(ago 720),platelets,210,10^9/L" "$(ago 720),ufh_infusion,18,units/kg/h" "$(ago 60),anti_xa,0.5,units/mL" "$(ago 60),aptt,38,s"
patient bed05 "Bed 5 — demo patient E" icu "$(ago 330),platelets,230,10^9/L" "$(ago 330),ufh_infusion,18,units/kg/h"
patient bed06 "Bed 6 — demo patient F" icu "$(ago 1440),platelets,250,10^9/L" "$(ago 1440),ufh_infusion,18,units/kg/h" "$(ago 1080),anti_xa,0.45,units/mL" "$(ago 60),anti_xa,0.5,units/mL" "$(ago 60),platelets,240,10^9/L"
cp assets/cases/cmaj-2019-ecmo.ron "$UNIT/teaching-cmaj.ron"
printf '(version: 8, title: "half a file"' > "$UNIT/bed07.ron"
printf '{"user":"RN Kim","host":"icu-ws-04","pid":4242,"since":"%s"}' "$(ago 30)" > "$UNIT/.bed06.ron.lock"

board_shot() { # size file
    "$BIN" --size "$1" --theme light --board "$UNIT" &
    APP=$!
    for _ in $(seq 1 60); do
        xdotool search --onlyvisible --name anticoag-planner >/dev/null 2>&1 && break
        sleep 0.5
    done
    sleep 3
    xdotool mousemove 1 1
    sleep 0.3
    import -window root -crop "$1+0+0" "$2"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}

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
    board_shot "$size" "$OUT/board-light-$size.png"
    echo "$OUT/board-light-$size.png"
    if [ "${ONLY:-}" = board ]; then kill "$XVFB"; continue; fi
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
