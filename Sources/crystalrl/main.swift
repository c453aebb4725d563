import CrystalRLCommands

CrystalRLCommand.main()
