//! Use cases run on a worker thread; the UI talks to them over bounded channels.
