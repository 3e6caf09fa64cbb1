/*
 * libosmosis — the one public header.
 *
 * OSmosis models isolation as a graph of protection domains, resources and
 * resource spaces (see docs/ and MODEL.md).  This header pulls in the parts:
 *   model.h   store, snapshot, transitions, invariant checker, diagnostics
 *   format.h  CellulOS CSV reader/writer, processing split, JSON emitter
 *   query.h   walks, TCB / impact boundary, metrics, cleanup
 */
#ifndef OSMOSIS_OSMOSIS_H
#define OSMOSIS_OSMOSIS_H

#define OSMOSIS_VERSION "0.1.0"

#include "model.h"
#include "format.h"
#include "query.h"

#endif
