//! The few direct DOM calls the pages need (focus, modal dialogs, element positions for drag and
//! drop). In the browser they call `web_sys`; on the server there is no DOM and they do nothing,
//! so components can call them from event handlers and effects without `cfg` of their own.

/// Moves the keyboard focus to the first element matching `selector`, after the current render
/// (the element may be re-created by the change that asked for the focus).
pub fn focus_later(selector: String) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        leptos::prelude::request_animation_frame(move || {
            let found = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(&selector).ok().flatten())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(element) = found {
                let _ = element.focus();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

/// Scrolls the first element matching `selector` to the middle of the window, after the render.
pub fn scroll_into_view_later(selector: String) {
    #[cfg(feature = "hydrate")]
    leptos::prelude::request_animation_frame(move || {
        let found =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(&selector).ok().flatten());
        if let Some(element) = found {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Center);
            element.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

/// Opens a `<dialog>` as a modal (focus trapped inside, Escape closes it) or closes it.
pub fn set_dialog_open(dialog: &leptos::prelude::NodeRef<leptos::html::Dialog>, open: bool) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::Get;
        if let Some(element) = dialog.get() {
            if open && !element.open() {
                let _ = element.show_modal();
            } else if !open && element.open() {
                element.close();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (dialog, open);
}

/// The vertical middles of the children of `list` (its `<li>` items), in page order.
pub fn child_midpoints(list: &leptos::prelude::NodeRef<leptos::html::Ol>) -> Vec<f64> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::Get;
        let Some(list) = list.get() else { return Vec::new() };
        let children = list.children();
        (0..children.length())
            .filter_map(|i| children.item(i))
            .map(|child| {
                let rect = child.get_bounding_client_rect();
                rect.top() + rect.height() / 2.0
            })
            .collect()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = list;
        Vec::new()
    }
}

/// Keeps sending this pointer's events to the element that got `pointerdown`, wherever the
/// pointer goes (a drag leaves the grip at once).
pub fn capture_pointer(event: &leptos::ev::PointerEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(target) = event.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = target.set_pointer_capture(event.pointer_id());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = event;
}

/// Where an item dragged from `from` lands when the pointer is at `pointer_y`: the number of the
/// other items whose middle is above the pointer.
pub fn drop_index(midpoints: &[f64], from: usize, pointer_y: f64) -> usize {
    midpoints.iter().enumerate().filter(|(i, mid)| *i != from && **mid < pointer_y).count()
}

#[cfg(test)]
mod tests {
    use super::drop_index;

    #[test]
    fn an_item_lands_below_every_middle_it_passed() {
        let mids = [10.0, 30.0, 50.0];
        assert_eq!(drop_index(&mids, 0, 5.0), 0);
        assert_eq!(drop_index(&mids, 0, 35.0), 1);
        assert_eq!(drop_index(&mids, 0, 99.0), 2);
        assert_eq!(drop_index(&mids, 2, 0.0), 0);
        assert_eq!(drop_index(&mids, 2, 20.0), 1);
        assert_eq!(drop_index(&mids, 1, 30.0), 1);
        assert_eq!(drop_index(&mids, 1, 5.0), 0);
        assert_eq!(drop_index(&[], 0, 10.0), 0);
    }
}
