package fakeserver

func setDataDir(cfg *Config, dir string) { cfg.DataDir = dir }
