# Sanitizer and fuzzing builds. They instrument Impasto's own code only: LibTorch, Qt and OpenCV
# come prebuilt, so their memory is checked only where our code touches it.
option(IMPASTO_SANITIZE_ADDRESS "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(IMPASTO_SANITIZE_THREAD "Build with ThreadSanitizer" OFF)
option(IMPASTO_FUZZ
       "Build only the libFuzzer targets and the torch-free libraries they use (needs clang)" OFF)

if(IMPASTO_SANITIZE_ADDRESS AND IMPASTO_SANITIZE_THREAD)
    message(FATAL_ERROR "IMPASTO_SANITIZE_ADDRESS and IMPASTO_SANITIZE_THREAD exclude each other: "
                        "ThreadSanitizer cannot run beside AddressSanitizer")
endif()
if(IMPASTO_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "IMPASTO_FUZZ needs clang (libFuzzer); configure with "
                        "-DCMAKE_CXX_COMPILER=clang++")
endif()

set(impasto_suppressions "${PROJECT_SOURCE_DIR}/tests/sanitizers")
# What CTest puts into each test's environment (see impasto_add_test).
set(IMPASTO_SANITIZER_ENVIRONMENT "")

if(IMPASTO_SANITIZE_ADDRESS OR IMPASTO_FUZZ)
    # Frame pointers keep the reports' stacks readable; halting makes any finding fail the test.
    set(impasto_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined
                               -fno-omit-frame-pointer -g)
    if(IMPASTO_FUZZ)
        # Coverage for libFuzzer in every library; only the fuzz targets link its main().
        list(APPEND impasto_sanitize_flags -fsanitize=fuzzer-no-link)
    endif()
    add_compile_options(${impasto_sanitize_flags})
    add_link_options(-fsanitize=address,undefined)
    set(IMPASTO_SANITIZER_ENVIRONMENT
        # A failed allocation returns null (std::bad_alloc from new), as without ASan: the
        # out-of-memory tests check that it is caught.
        "ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:check_initialization_order=1"
        "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
        "IMPASTO_TEST_TIME_SCALE=3")
elseif(IMPASTO_SANITIZE_THREAD)
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -g)
    add_link_options(-fsanitize=thread)
    # QtTest gives up on a test function after 5 minutes; under TSan some take longer.
    set(IMPASTO_SANITIZER_ENVIRONMENT
        "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=${impasto_suppressions}/tsan.supp"
        "QTEST_FUNCTION_TIMEOUT=3600000"
        "IMPASTO_TEST_TIME_SCALE=10")
endif()
