//! Prints the stored size of sample sessions for every format and codec:
//! the size half of the codec choice (the time half is `cargo bench --bench
//! crypto -- codec`).

use mcp_perf::session::fixtures::session_of_size;
use mcp_perf::session::{Compression, Format, SessionCodec};

fn main() {
    println!(
        "{:>8} {:>12} {:>6} {:>6} {:>6}",
        "json B", "format", "none", "lz4", "zstd"
    );
    for size in [256, 1024, 2048, 16 * 1024] {
        let session = session_of_size(size);
        for format in [Format::Json, Format::Postcard, Format::MessagePack] {
            let stored =
                [Compression::None, Compression::Lz4, Compression::Zstd].map(|compression| {
                    let codec = SessionCodec {
                        format,
                        compression,
                        threshold: 0,
                    };
                    codec.encode(&session).map_or(0, |bytes| bytes.len())
                });
            let name = format!("{format:?}");
            println!(
                "{size:>8} {name:>12} {:>6} {:>6} {:>6}",
                stored[0], stored[1], stored[2]
            );
        }
    }
}
