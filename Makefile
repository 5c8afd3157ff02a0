# Set-up, demo and tests on a fresh Debian/Ubuntu machine. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of torch, installed first so that nothing pulls a CUDA build.
# Elsewhere than this machine, add the CPU index, e.g.
#   make TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu" demo
TORCH_SPEC ?= torch==2.13.0
TORCH_PIP_ARGS ?=
APT_PACKAGES := dataset-fashion-mnist wordnet-base \
  espeak-ng libespeak-ng1 flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts \
  openttd-opensfx asterisk-core-sounds-en-wav \
  sword-text-web sword-text-sparv apertium-eng-spa
DEMO_DIR := outputs/multirun/demo

.PHONY: setup data demo report paper results test test-slow bench clean
# The registry is the config tree: one task per file of conf/task/.
TASKS := $(sort $(basename $(notdir $(wildcard conf/task/*.yaml))))
PAPER_DIR := outputs/multirun/paper

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { echo "cannot create a venv: on Debian/Ubuntu run: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

# The Debian packages that hold the offline datasets.
data:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  else \
	    echo "e2ebench needs Debian packages:$$missing. Run:"; \
	    echo "  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# The demo sweep (every task, small), then its report.
demo: setup data
	$(BIN)/e2ebench -m experiment=demo; status=$$?; \
	$(BIN)/e2ebench-report $(DEMO_DIR); \
	exit $$status

report: setup
	$(BIN)/e2ebench-report $(DEMO_DIR)

# The full protocol, every task in turn (many hours on 2 cores): run it in the
# background, e.g. `nohup make paper > paper.log 2>&1 &`; running it again resumes.
paper: setup data
	status=0; for t in $(TASKS); do \
	  $(BIN)/e2ebench -m experiment=paper task=$$t hydra/launcher=joblib || status=1; \
	done; \
	$(BIN)/e2ebench-report $(PAPER_DIR) && echo "report: $(PAPER_DIR)/report/report.md"; \
	exit $$status

# Keep a sweep's run records in git: copies every result.json (ok and failed) of
# outputs/multirun/$(SWEEP), its per-unit test scores (units.npz), and the PNG figures the runs left (driving's filmstrips),
# into reports/results/$(SWEEP)/ and rebuilds
# reports/results/report/ from all kept records. reports/results/README.md is read off that report.
SWEEP ?= learning_curve
RESULTS := reports/results
results: setup
	@test -d outputs/multirun/$(SWEEP) || { echo "no sweep folder outputs/multirun/$(SWEEP)"; exit 2; }
	mkdir -p $(RESULTS)
	cd outputs/multirun && find $(SWEEP) \( -name result.json -o -name units.npz -o -path '*/artifacts/*.png' \) -exec cp --parents {} ../../$(RESULTS)/ \;
	$(BIN)/e2ebench-report $(RESULTS) --out $(RESULTS)/report --format md

test: setup data
	$(BIN)/python -m pytest

test-slow: setup data
	$(BIN)/python -m pytest -m slow

bench: setup data
	$(BIN)/python -m benchmarks.perf.cnn_throughput
	$(BIN)/python -m benchmarks.perf.train_efficiency

clean:
	rm -rf outputs multirun .pytest_cache
