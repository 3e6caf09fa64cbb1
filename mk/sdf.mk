# seL4 Microkit SDF extractor (src/extract/sdf): the XML parser is expat.
OSMOSIS_LDLIBS += -lexpat
