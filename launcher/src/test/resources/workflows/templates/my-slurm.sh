#!/bin/bash
# test template
