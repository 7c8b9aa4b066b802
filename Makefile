# The two commands of the README, and the checks CI runs. Everything is built by CMake in
# build/ (build-asan/ for the sanitizer build).
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
PORT ?= 8080

.PHONY: run build test unit-test test-sanitize check-format format fixtures bench clean

## make run: install what is missing, build, pull the recommended model where a network exists
## (a notice otherwise: the journal then tags with the offline engine), and open the journal at
## http://127.0.0.1:$(PORT)
run: build
	./$(BUILD)/src/cli/empathic model pull --if-online
	./$(BUILD)/src/cli/empathic serve --port $(PORT)

build:
	scripts/bootstrap
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

## make test: everything above plus the test suite (unit, integration, browser)
test:
	scripts/bootstrap --test
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	tests/fixtures/generate
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

## Unit tests only, in a debug build with AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize:
	scripts/bootstrap --test
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEMPATHIC_SANITIZE=ON \
	      -DEMPATHIC_BUILD_BENCH=OFF
	cmake --build build-asan -j $(JOBS) --target unit_tests
	tests/fixtures/generate
	cd build-asan && ctest --output-on-failure -j $(JOBS) -L unit

check-format:
	@files=$$(git ls-files '*.cpp' '*.h'); clang-format --dry-run --Werror $$files

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

fixtures:
	tests/fixtures/generate

bench: build
	@echo "benchmarks: see README.md, Benchmarks"

clean:
	rm -rf $(BUILD) build-asan
