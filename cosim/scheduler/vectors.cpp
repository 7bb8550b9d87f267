// Per-cycle stimulus and response for one block of the scheduler under test (its own top): the whole
// sequence runs inside C++ and the sampled outputs go to a log, one line per cycle, so a block test
// of thousands of cycles costs one round trip.
//
//   vec_run SCRIPT LOG
//       SCRIPT lines:
//         in NAME...     the input ports each `c` line sets, in this order
//         out NAME...    the output ports each `c` line samples, in this order
//         reset N        hold the reset high for N cycles (inputs as last set)
//         c HEX...       one cycle: set the inputs, settle, sample the outputs (written to LOG as one
//                        line of hex values, space separated), then the clock edge
//       Reply: ok CYCLES (the number of `c` lines).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cosim_harness.h"

namespace {

cosim::Command vecRun("vec_run", "SCRIPT LOG", [](cosim::Harness& h, const cosim::Args& a) -> std::string {
    a.expect(2, 2);
    std::ifstream in(a.str(0));
    if (!in) throw cosim::Error("cannot read script " + a.str(0));
    std::ofstream log(a.str(1));
    if (!log) throw cosim::Error("cannot write log " + a.str(1));
    std::vector<const cosim::Port*> inputs, outputs;
    std::string line;
    size_t lineNo = 0;
    uint64_t cycles = 0;
    while (std::getline(in, line)) {
        lineNo++;
        std::istringstream ls(line);
        std::string kind;
        if (!(ls >> kind) || kind[0] == '#') continue;
        const std::string where = "script " + a.str(0) + " line " + std::to_string(lineNo) + ": ";
        if (kind == "in" || kind == "out") {
            auto& list = kind == "in" ? inputs : outputs;
            list.clear();
            std::string name;
            while (ls >> name) {
                const cosim::Port& p = h.portOrThrow(name);
                if (p.input != (kind == "in")) throw cosim::Error(where + name + " is not an " + (kind == "in" ? "input" : "output"));
                list.push_back(&p);
            }
        } else if (kind == "reset") {
            uint64_t n;
            if (!(ls >> n)) throw cosim::Error(where + "reset needs a cycle count");
            h.reset(n);
        } else if (kind == "c") {
            for (const cosim::Port* p : inputs) {
                std::string v;
                if (!(ls >> v)) throw cosim::Error(where + "missing a value for " + p->name);
                p->setHex(v);
            }
            h.eval();
            for (size_t i = 0; i < outputs.size(); i++) log << (i ? " " : "") << outputs[i]->hex();
            log << '\n';
            h.step();
            cycles++;
        } else {
            throw cosim::Error(where + "unknown line kind '" + kind + "'");
        }
    }
    log.flush();
    return std::to_string(cycles);
});

}  // namespace
