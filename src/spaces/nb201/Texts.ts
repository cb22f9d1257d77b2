/** The fixed texts of the NB201 transpiler, exactly as spec/nb201.md gives them. */

/** The `helper` mode's class (11 lines; line 9 is four spaces). */
export const HELPER = [
  "class ReLU_Conv2d_BatchNorm(nn.Module):",
  "    def __init__(self, channels, kernel_size, stride, padding):",
  "        super().__init__()",
  "        self.op = nn.Sequential(",
  "            nn.ReLU(inplace=False),",
  "            nn.Conv2d(channels, channels, kernel_size, stride=stride, padding=padding, bias=False),",
  "            nn.BatchNorm2d(channels)",
  "        )",
  "    ",
  "    def forward(self, x):",
  "        return self.op(x)"
].join("\n")

/** The `comment` add-on's docstring (16 lines; line 14 ends with a space). */
export const COMMENT = [
  "\"\"\"",
  "Task: CIFAR-10 image classification (10 classes, 32x32 RGB images).",
  "",
  "This Cell is one building block within a larger neural network.",
  "Full architecture:",
  "- Stem layer: Conv2d(3 channels -> 16 channels, 3x3 kernel) + BatchNorm2d.",
  "- Main head: stacks 15 copies of the Cell into a sequence. 1 ResNetBasicblock layer is inserted every 5 Cells (total 2).",
  "- Final layers: BatchNorm2d + ReLU + Global Average Pooling + Linear layer to 10 classes.",
  "",
  "Helpers:",
  "- ReLUConvBN: Sequential ReLU → Conv → BatchNorm (pre-activation)",
  "- ResNetBasicblock: Residual block with 2 ReLUConvBN plus 1 skip connection with input downsampling",
  "",
  "Training Details: SGD optimizer with momentum=0.9, weight_decay=5e-4, initial learning_rate=0.1 ",
  "with cosine annealing schedule over 200 epochs, batch_size=256, plus standard data augmentation.",
  "\"\"\""
].join("\n")

/**
 * The `backbone` add-on's dependency classes, NB201's ReLUConvBN and ResNetBasicblock. (Not byte-exact
 * with any other implementation; deterministic, valid Python.)
 */
export const BACKBONE_DEPENDENCIES = [
  "class ReLUConvBN(nn.Module):",
  "    def __init__(self, C_in, C_out, kernel_size, stride, padding, dilation, affine=True, track_running_stats=True):",
  "        super().__init__()",
  "        self.op = nn.Sequential(",
  "            nn.ReLU(inplace=False),",
  "            nn.Conv2d(C_in, C_out, kernel_size, stride=stride, padding=padding, dilation=dilation, bias=not affine),",
  "            nn.BatchNorm2d(C_out, affine=affine, track_running_stats=track_running_stats)",
  "        )",
  "",
  "    def forward(self, x):",
  "        return self.op(x)",
  "",
  "",
  "class ResNetBasicblock(nn.Module):",
  "    def __init__(self, inplanes, planes, stride, affine=True, track_running_stats=True):",
  "        super().__init__()",
  "        assert stride == 1 or stride == 2, \"invalid stride {:}\".format(stride)",
  "        self.conv_a = ReLUConvBN(inplanes, planes, 3, stride, 1, 1, affine, track_running_stats)",
  "        self.conv_b = ReLUConvBN(planes, planes, 3, 1, 1, 1, affine, track_running_stats)",
  "        if stride == 2:",
  "            self.downsample = nn.Sequential(",
  "                nn.AvgPool2d(kernel_size=2, stride=2, padding=0),",
  "                nn.Conv2d(inplanes, planes, kernel_size=1, stride=1, padding=0, bias=False)",
  "            )",
  "        elif inplanes != planes:",
  "            self.downsample = ReLUConvBN(inplanes, planes, 1, 1, 0, 1, affine, track_running_stats)",
  "        else:",
  "            self.downsample = None",
  "",
  "    def forward(self, inputs):",
  "        basicblock = self.conv_a(inputs)",
  "        basicblock = self.conv_b(basicblock)",
  "        residual = self.downsample(inputs) if self.downsample is not None else inputs",
  "        return residual + basicblock"
].join("\n")

/** The `backbone` add-on's macro network: NB201's cell-based network around `Cell`. */
export const BACKBONE_NETWORK = [
  "class Network(nn.Module):",
  "    def __init__(self, channels, N, genotype, num_classes):",
  "        super().__init__()",
  "        self.genotype = genotype",
  "        self.stem = nn.Sequential(",
  "            nn.Conv2d(3, channels, kernel_size=3, padding=1, bias=False),",
  "            nn.BatchNorm2d(channels)",
  "        )",
  "        layer_channels = [channels] * N + [channels * 2] + [channels * 2] * N + [channels * 4] + [channels * 4] * N",
  "        layer_reductions = [False] * N + [True] + [False] * N + [True] + [False] * N",
  "        C_prev = channels",
  "        self.cells = nn.ModuleList()",
  "        for C_curr, reduction in zip(layer_channels, layer_reductions):",
  "            if reduction:",
  "                cell = ResNetBasicblock(C_prev, C_curr, 2)",
  "            else:",
  "                cell = Cell(C_curr)",
  "            self.cells.append(cell)",
  "            C_prev = C_curr",
  "        self.lastact = nn.Sequential(nn.BatchNorm2d(C_prev), nn.ReLU(inplace=True))",
  "        self.global_pooling = nn.AdaptiveAvgPool2d(1)",
  "        self.classifier = nn.Linear(C_prev, num_classes)",
  "",
  "    def get_training_config(self):",
  "        optimizer = torch.optim.SGD(self.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)",
  "        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=200, eta_min=0)",
  "        return {\"optimizer\": optimizer, \"scheduler\": scheduler, \"batch_size\": 256, \"epochs\": 200}",
  "",
  "    def forward(self, inputs):",
  "        feature = self.stem(inputs)",
  "        for cell in self.cells:",
  "            feature = cell(feature)",
  "        out = self.lastact(feature)",
  "        out = self.global_pooling(out)",
  "        out = out.view(out.size(0), -1)",
  "        logits = self.classifier(out)",
  "        return out, logits"
].join("\n")
