/* layout.h - where warren keeps things on the host: every path under the config's
 * state_dir and under RUNTIME_DIR is made here and nowhere else (see layout.c). */
#ifndef WARREN_LAYOUT_H
#define WARREN_LAYOUT_H

/* Runtime state: root-only, gone at reboot (state.h lists what is in it). */
#define RUNTIME_DIR "/run/warren"

#endif
