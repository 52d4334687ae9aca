#if canImport(Glibc)
import Glibc
#endif

/// The number of threads the BLAS library may use inside one call.
///
/// Tilt's matrices are small (tens to thousands of rows) and its parallelism is coarse (one backtest per
/// core), so BLAS's own threads only fight for the cores: with OpenBLAS's default, a sweep of backtests
/// ran seven times slower. OpenBLAS exposes `openblas_set_num_threads`; other BLAS libraries are left as
/// they are (the symbol is looked up at run time, so nothing depends on which BLAS is installed).
public enum BLASThreads {
    public static func setCount(_ count: Int32) {
        typealias SetThreads = @convention(c) (Int32) -> Void
        // A null handle is RTLD_DEFAULT on Linux: every loaded library is searched.
        guard let symbol = dlsym(nil, "openblas_set_num_threads") else { return }
        unsafeBitCast(symbol, to: SetThreads.self)(count)
    }
}
