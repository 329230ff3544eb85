# Included right after llama.cpp's project() call (CMAKE_PROJECT_llama.cpp_INCLUDE).
# llama-cpp-python forces LLAMA_BUILD_COMMON on, but its Python bindings only load libllama and libggml*;
# the common library (chat/JSON/HTTP parsers for llama.cpp's own tools) is a third of the compile.
set(LLAMA_BUILD_COMMON OFF CACHE BOOL "llama: build common utils library" FORCE)
