//! The views (and `start`, the start screen when no case is open): each draws from the open document and its own state and pushes commands (it never
//! changes the case itself). `event_form`, `draw_form` and `widgets` are the pieces two views share;
//! `scatter`, `whatif` and `plot_grid` are parts of the Plots view.

pub mod board;
pub mod bypass;
pub mod case_bar;
pub mod dialogs;
pub mod draw_form;
pub mod event_form;
pub mod facts;
pub mod flowsheet;
pub mod history;
pub mod patient;
pub mod plan;
pub mod plot_grid;
pub mod plots;
pub mod scatter;
pub mod start;
pub mod timeline;
pub mod tools;
pub mod whatif;
pub mod widgets;
