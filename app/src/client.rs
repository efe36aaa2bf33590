//! The server-function client: the browser's `fetch` plus the session's CSRF token header.
//! Leptos server functions check neither origin nor token by themselves (security.md C1, C4);
//! the server refuses a write without this header.

#[cfg(feature = "hydrate")]
mod browser {
    use std::future::Future;

    use leptos::server_fn::client::Client;
    use leptos::server_fn::client::browser::BrowserClient;
    use leptos::server_fn::error::FromServerFnError;
    use leptos::server_fn::request::browser::BrowserRequest;
    use leptos::server_fn::response::browser::BrowserResponse;

    /// `fetch` with the `X-CSRF-Token` header of the page's session.
    pub struct PanelClient;

    impl<E, IS, OS> Client<E, IS, OS> for PanelClient
    where
        E: FromServerFnError,
        IS: FromServerFnError,
        OS: FromServerFnError,
    {
        type Request = BrowserRequest;
        type Response = BrowserResponse;

        fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
            if let Some(token) = crate::session::csrf_token() {
                req.headers().set(crate::session::CSRF_HEADER, &token);
            }
            <BrowserClient as Client<E, IS, OS>>::send(req)
        }

        #[allow(clippy::type_complexity)]
        fn open_websocket(
            path: &str,
        ) -> impl Future<
            Output = Result<
                (
                    impl futures::Stream<Item = Result<bytes::Bytes, bytes::Bytes>> + Send + 'static,
                    impl futures::Sink<bytes::Bytes> + Send + 'static,
                ),
                E,
            >,
        > + Send {
            <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
        }

        fn spawn(future: impl Future<Output = ()> + Send + 'static) {
            <BrowserClient as Client<E, IS, OS>>::spawn(future)
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::PanelClient;

/// On the server the client is never used to send; it only has to name a type.
#[cfg(not(feature = "hydrate"))]
pub type PanelClient = leptos::server_fn::client::browser::BrowserClient;
