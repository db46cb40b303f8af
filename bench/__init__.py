"""timbot benchmarks: ack latency, end-to-end overhead, Tencent call economy, memory (`python -m bench`)."""
