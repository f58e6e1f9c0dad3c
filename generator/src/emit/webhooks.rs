//! `src/webhooks.rs`: the payloads of the requests the API sends (OpenAPI 3.1 `webhooks`) and
//! one function that decodes any of them, for the user's HTTP server.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::types::{ident, type_tokens};
use crate::model::{Api, Home};

pub fn webhooks_file(api: &Api, crate_name: &str) -> TokenStream {
    let krate = crate_name.replace('-', "_");
    let module_docs = format!(
        r#" The requests the API sends to your server (the spec's `webhooks`, and the `callbacks` of
 its operations, named by the callback's name), and how to read them: hand the webhook's or
 callback's name and the request's raw body to [`Webhook::decode`].

 ```
 # fn handle(name: &str, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {{
 match {krate}::webhooks::Webhook::decode(name, body)? {{
     Some(webhook) => println!("{{}} arrived: {{webhook:?}}", webhook.name()),
     None => println!("the spec declares no webhook {{name:?}}"),
 }}
 # Ok(())
 # }}
 ```"#
    );
    let home = Home::Operations("webhooks".to_owned());
    let variants: Vec<_> = api.webhooks.iter().map(|hook| ident(&hook.variant)).collect();
    let names: Vec<&str> = api.webhooks.iter().map(|hook| hook.name.as_str()).collect();
    let payloads = api.webhooks.iter().map(|hook| type_tokens(api, &hook.payload, &home));
    let docs = api.webhooks.iter().map(|hook| {
        let extra = vec![format!("The API sends it as `{}` with this JSON body.", hook.method.to_uppercase())];
        doc_attrs(&hook.docs, &extra)
    });
    quote! {
        #![doc = #module_docs]

        /// The payload of a webhook request, decoded; one variant per webhook.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum Webhook {
            #(
                #docs
                #variants(#payloads),
            )*
        }

        impl Webhook {
            /// The names of the webhooks and callbacks the spec declares.
            pub const NAMES: &'static [&'static str] = &[#(#names),*];

            /// Decodes the JSON `body` of the webhook or callback `name` (as the spec names it); `Ok(None)`
            /// for a name the spec does not declare. A body that does not match the payload
            /// type is an error naming the path of the bad value, as for responses.
            pub fn decode(name: &str, body: &[u8]) -> Result<Option<Self>, crate::runtime::JsonError> {
                match name {
                    #(#names => crate::runtime::decode_json(body).map(|payload| Some(Self::#variants(payload))),)*
                    _ => Ok(None),
                }
            }

            /// The webhook's name, as the spec names it.
            pub fn name(&self) -> &'static str {
                match self {
                    #(Self::#variants(_) => #names,)*
                }
            }
        }
    }
}
