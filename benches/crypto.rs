//! CPU-bound costs of a session at rest: AES-256-GCM sealing and opening,
//! and the codec (serialization formats, compression codecs).
//!
//! `openssl speed -evp aes-256-gcm` is the reference for the cipher: the
//! `scripts/reference-openssl.sh` script prints its figure at 16 KiB so the
//! two throughputs can be compared from one run.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mcp_perf::crypto::KeyRing;
use mcp_perf::session::fixtures::session_of_size;
use mcp_perf::session::{Compression, Format, SessionCodec};

const SIZES: [usize; 3] = [256, 1024, 16 * 1024];
const CONTEXT: &[u8] = b"mcp:s:6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b";

fn seal_and_open(c: &mut Criterion) {
    let ring = KeyRing::ephemeral();
    let mut group = c.benchmark_group("aes256gcm");

    for size in SIZES {
        let plaintext = vec![0x5a; size];
        let blob = ring.seal(CONTEXT, &plaintext);
        group.throughput(Throughput::Bytes(size as u64));

        group.bench_with_input(
            BenchmarkId::new("seal", size),
            &plaintext,
            |b, plaintext| b.iter(|| ring.seal(CONTEXT, black_box(plaintext))),
        );
        group.bench_with_input(BenchmarkId::new("open", size), &blob, |b, blob| {
            b.iter(|| ring.open(CONTEXT, black_box(blob)).expect("own blob opens"))
        });
    }
    group.finish();
}

fn formats(c: &mut Criterion) {
    let session = session_of_size(2048);
    let mut group = c.benchmark_group("codec_format");

    for format in [Format::Json, Format::Postcard, Format::MessagePack] {
        let codec = SessionCodec {
            format,
            compression: Compression::None,
            threshold: usize::MAX,
        };
        let bytes = codec.encode(&session).expect("fixture encodes");
        let name = format!("{format:?}").to_lowercase();

        group.bench_function(BenchmarkId::new("encode", &name), |b| {
            b.iter(|| codec.encode(black_box(&session)).expect("fixture encodes"))
        });
        group.bench_function(BenchmarkId::new("decode", &name), |b| {
            b.iter(|| codec.decode(black_box(&bytes)).expect("own bytes decode"))
        });
    }
    group.finish();
}

fn compressions(c: &mut Criterion) {
    let mut group = c.benchmark_group("codec_compression");

    for size in [2048, 16 * 1024] {
        let session = session_of_size(size);
        for compression in [Compression::None, Compression::Lz4, Compression::Zstd] {
            let codec = SessionCodec {
                format: Format::Postcard,
                compression,
                threshold: 1024,
            };
            let bytes = codec.encode(&session).expect("fixture encodes");
            let name = format!("{compression:?}").to_lowercase();
            group.throughput(Throughput::Bytes(size as u64));

            group.bench_function(BenchmarkId::new(format!("encode_{name}"), size), |b| {
                b.iter(|| codec.encode(black_box(&session)).expect("fixture encodes"))
            });
            group.bench_function(BenchmarkId::new(format!("decode_{name}"), size), |b| {
                b.iter(|| codec.decode(black_box(&bytes)).expect("own bytes decode"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, seal_and_open, formats, compressions);
criterion_main!(benches);
