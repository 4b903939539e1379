// A fixed set of worker threads for data-parallel loops (matmul rows, attention heads). The calling
// thread takes part, so a pool of n threads starts n-1 workers; with 1 thread everything runs inline
// (the wasm build without pthreads). Where fewer threads can be started than asked for (the wasm
// build with pthreads has a fixed pool of Web Workers), the pool runs with those it got.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hearth {

class ThreadPool {
 public:
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return int(workers_.size()) + 1; }

  // Splits [0, n) into about size() contiguous ranges of multiples of `grain`, runs fn(begin, end,
  // thread_index) on each, and returns when all are done.
  void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t, int)>& fn);

  static int default_threads();  // hardware concurrency, at least 1

 private:
  void worker_loop(int index);
  void run_share(int index);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(int64_t, int64_t, int)>* job_ = nullptr;
  int64_t job_n_ = 0, job_chunk_ = 0;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
};

}  // namespace hearth
