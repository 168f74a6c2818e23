#pragma once

namespace impasto::ui {

// Where a run stands, as the worker reports it: what the Start, Pause, Resume, Continue and
// Stop actions can do next.
enum class RunState {
    Idle,      // no run yet (or the model or inputs changed since): Start begins one
    Running,   // stepping, preparation included
    Paused,    // Resume goes on from the current image
    Stopped,   // stopped by the user or by an error; the result stays viewable and exportable
    Finished,  // reached the iteration target; Continue goes on
};

}  // namespace impasto::ui
