"""Deterministic generator of a synthetic arXiv digest archive for benchmarks.

Writes one digest per day and category (cs.CV, cs.LG, cs.CL, eess.IV, stat.ML),
about 100 papers each, in both formats: ~70% "arXiv listing" files
(``OUT/listing/<cat>/<YYYY-MM-DD>.md``) and ~30% "arXiv API" files
(``OUT/<cat>/<YYYY>/<MM>/<YYYYMMDD>.md``). The text imitates the real samples in
``sample_digests/``: ~1.5 kB abstracts built from a CV/ML vocabulary, HTML
links, ``<br>`` breaks and ``&amp;``/``&lt;``/``&gt;`` entities in listings,
LaTeX, wrapped Comment/Journal/title lines and ``None`` fields in API files,
ACM classes, cross-lists (one ID in several categories on one day, ~8%) and
new versions (an ID listed again on a later day with a higher version, ~2%).

The same ``--papers`` and ``--seed`` always give byte-identical files. Papers
counts listed entries (what the parser reads); cross-lists and new versions
merge, so the library holds a few percent fewer unique papers.

Run::

    python benchmarks/generate.py OUT_DIR --papers 100000 [--seed 1]

It prints a JSON summary. Other benchmarks import :func:`generate` or
:func:`ensure_corpus` (which caches corpora under ``benchmarks/out/``).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

#: Bump whenever the output changes, so cached corpora are regenerated.
GENERATOR_VERSION = 1
DEFAULT_SEED = 1
OUT_ROOT = Path(__file__).resolve().parent / "out"
SUMMARY_NAME = ".summary.json"  # hidden: the library loader skips dot files

CATEGORIES = ("cs.CV", "cs.LG", "cs.CL", "eess.IV", "stat.ML")
#: Cross-list targets that have no digest files of their own.
OUTSIDE_CATEGORIES = (
    "cs.AI", "cs.RO", "cs.GR", "cs.MM", "cs.NE", "cs.CR", "cs.IR", "cs.HC", "cs.SD",
    "eess.SP", "eess.AS", "math.OC", "physics.med-ph", "q-bio.QM", "q-bio.NC", "stat.ME",
)  # fmt: skip
ACM_CLASSES = (
    "I.2.7", "I.2.10", "I.4", "I.4.8", "I.5.4", "I.5.2", "I.2.6", "I.3.7", "H.3.3", "J.3",
)  # fmt: skip
START_DATE = date(2021, 1, 4)  # a Monday
LISTING_SHARE = 0.7
CROSS_LIST_RATE = 0.06
NEW_VERSION_RATE = 0.02
FILE_SIZE_RANGE = (70, 130)  # papers per file, uniform: mean 100
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# --- Vocabulary -------------------------------------------------------------

_SEGMENTATION_TASKS = (
    "semantic segmentation", "instance segmentation", "panoptic segmentation",
    "medical image segmentation", "video object segmentation", "lesion segmentation",
    "tumor segmentation", "point cloud segmentation", "referring image segmentation",
    "weakly supervised semantic segmentation",
)  # fmt: skip
_OTHER_TASKS = (
    "object detection", "image classification", "image captioning", "visual question answering",
    "pose estimation", "human pose estimation", "depth estimation", "monocular depth estimation",
    "optical flow estimation", "image super-resolution", "image denoising", "image deblurring",
    "image inpainting", "image retrieval", "person re-identification", "face recognition",
    "facial expression recognition", "action recognition", "temporal action localization",
    "video understanding", "multi-object tracking", "single object tracking",
    "3D reconstruction", "novel view synthesis", "scene understanding", "scene text recognition",
    "visual localization", "place recognition", "change detection", "anomaly detection",
    "out-of-distribution detection", "domain adaptation", "domain generalization",
    "few-shot learning", "zero-shot classification", "continual learning",
    "federated learning", "self-supervised learning", "contrastive learning",
    "representation learning", "knowledge distillation", "neural architecture search",
    "model compression", "network pruning", "quantization", "adversarial robustness",
    "backdoor defense", "uncertainty estimation", "image generation", "text-to-image generation",
    "video generation", "image editing", "style transfer", "image-to-image translation",
    "machine translation", "named entity recognition", "question answering",
    "text summarization", "sentiment analysis", "language modeling", "speech recognition",
    "dialogue generation", "relation extraction", "information retrieval", "graph classification",
    "link prediction", "node classification", "time series forecasting", "causal inference",
    "Bayesian optimization", "variational inference", "reinforcement learning",
    "offline reinforcement learning", "imitation learning", "trajectory prediction",
    "motion planning", "autonomous driving", "remote sensing image classification",
    "crowd counting", "hand pose estimation", "gaze estimation", "image registration",
    "MRI reconstruction", "CT reconstruction", "image quality assessment", "image compression",
    "video compression", "compressed sensing", "hyperspectral image classification",
    "sign language recognition", "visual grounding", "open-vocabulary detection",
    "long-tailed recognition", "semi-supervised learning", "active learning",
    "multi-label classification", "metric learning", "image matching", "stereo matching",
    "camera pose estimation", "event-based vision", "shadow removal", "low-light enhancement",
)  # fmt: skip
_DIFFUSION_METHODS = (
    "diffusion models", "denoising diffusion probabilistic models", "latent diffusion models",
    "score-based diffusion", "conditional diffusion models",
)  # fmt: skip
_OTHER_METHODS = (
    "vision transformers", "transformers", "convolutional neural networks",
    "graph neural networks", "generative adversarial networks", "variational autoencoders",
    "normalizing flows", "neural radiance fields", "implicit neural representations",
    "recurrent neural networks", "long short-term memory networks", "attention mechanisms",
    "self-attention", "cross-attention", "masked autoencoders", "contrastive pretraining",
    "vision-language models", "large language models", "prompt tuning", "adapters",
    "low-rank adaptation", "mixture of experts", "state space models", "capsule networks",
    "spiking neural networks", "Gaussian processes", "kernel methods", "random forests",
    "gradient boosting", "support vector machines", "hypernetworks", "energy-based models",
    "optimal transport", "meta-learning", "multi-task learning", "curriculum learning",
    "knowledge graphs", "point transformers", "sparse convolutions", "deformable convolutions",
    "feature pyramid networks", "U-Net architectures", "encoder-decoder networks",
    "Siamese networks", "teacher-student training", "pseudo-labeling", "data augmentation",
    "mixup", "test-time adaptation", "neural ODEs", "equivariant networks", "graph transformers",
    "memory networks", "dynamic convolutions", "token pruning", "linear attention",
    "Bayesian neural networks", "ensembles", "evidential deep learning", "active contours",
    "conditional random fields", "Markov random fields", "sparse coding", "dictionary learning",
    "autoregressive models", "masked language models", "sequence-to-sequence models",
    "retrieval augmentation", "reinforcement learning from human feedback", "policy gradients",
    "Q-learning", "model-based planning", "contrastive language-image pretraining",
    "multi-scale feature fusion", "residual networks", "lightweight networks",
    "neural architecture search", "federated averaging", "differential privacy",
    "stochastic gradient descent", "second-order optimization", "low-rank factorization",
)  # fmt: skip
ADJECTIVES = (
    "robust", "efficient", "scalable", "lightweight", "unsupervised", "self-supervised",
    "weakly supervised", "semi-supervised", "few-shot", "zero-shot", "real-time", "interpretable",
    "explainable", "uncertainty-aware", "privacy-preserving", "fair", "generalizable",
    "hierarchical", "multi-scale", "multi-modal", "cross-modal", "end-to-end", "adaptive",
    "dynamic", "sparse", "dense", "fine-grained", "open-world", "open-set", "long-tailed",
    "continual", "incremental", "federated", "distributed", "probabilistic", "Bayesian",
    "causal", "contrastive", "generative", "discriminative", "structured", "geometric",
    "temporal", "spatio-temporal", "physics-informed", "label-efficient", "data-efficient",
    "memory-efficient", "training-free", "plug-and-play", "universal", "unified", "compact",
    "accurate", "reliable", "certified", "provable", "differentiable", "learnable", "implicit",
    "explicit", "global", "local", "bidirectional", "progressive", "iterative", "recursive",
)  # fmt: skip
DATASETS = (
    "ImageNet", "COCO", "Cityscapes", "ADE20K", "Pascal VOC", "KITTI", "nuScenes", "ScanNet",
    "ShapeNet", "CIFAR-10", "CIFAR-100", "MNIST", "CelebA", "FFHQ", "LSUN", "Kinetics-400",
    "Something-Something V2", "UCF101", "HMDB51", "LibriSpeech", "SQuAD", "GLUE", "SuperGLUE",
    "WMT14", "BraTS", "LIDC-IDRI", "CheXpert", "MIMIC-CXR", "ISIC 2018", "Synapse",
    "ACDC", "DAVIS 2017", "YouTube-VOS", "MOT17", "LaSOT", "Market-1501", "DukeMTMC-reID",
    "VoxCeleb", "Waymo Open", "SemanticKITTI", "S3DIS", "Places365", "iNaturalist", "OGB",
    "Cora", "PubMed", "ETTh1", "D4RL", "Atari", "MuJoCo",
)  # fmt: skip
DOMAINS = (
    "medical imaging", "remote sensing", "autonomous driving", "robotics", "agriculture",
    "histopathology", "radiology", "retinal imaging", "satellite imagery", "surveillance",
    "manufacturing", "e-commerce", "social media", "healthcare", "biology", "astronomy",
    "materials science", "ultrasound", "dermatology", "endoscopy",
    "document analysis", "sports analytics", "augmented reality", "virtual reality",
)  # fmt: skip
CONCEPTS = (
    "feature representations", "spatial context", "long-range dependencies",
    "semantic consistency", "temporal coherence", "local geometry", "global structure",
    "prototypes", "class boundaries", "object relations", "latent codes", "attention maps",
    "saliency maps", "positional encodings", "visual tokens", "text embeddings",
    "pseudo labels", "uncertainty estimates", "feature correspondences", "motion cues",
    "depth priors", "shape priors", "frequency information", "edge information",
    "superpixels", "keypoints", "scene graphs", "camera poses",
    "domain-invariant features", "inductive biases", "decision boundaries",
)  # fmt: skip
METRICS = (
    "mIoU", "mAP", "top-1 accuracy", "F1 score", "Dice score", "PSNR", "SSIM", "FID", "BLEU",
    "AUC", "recall@1", "word error rate", "RMSE", "Hausdorff distance", "AP50", "NDCG",
)  # fmt: skip
PROPERTIES = (
    "robustness", "generalization", "calibration", "expressivity", "sample complexity",
    "convergence", "stability", "transferability", "interpretability", "fairness",
    "scaling behaviour", "inductive bias", "sensitivity", "efficiency",
)  # fmt: skip
TASKS = _SEGMENTATION_TASKS + _OTHER_TASKS
METHODS = _DIFFUSION_METHODS + _OTHER_METHODS
# How often a paper is about segmentation or uses diffusion, as its main task or
# method or in passing. Tuned so that "diffusion segm" matches a few hundred of
# 100,000 papers, with "diffusion" in ~4% and "segm" in ~10% of abstracts.
SEGMENTATION_RATE = 0.05
DIFFUSION_RATE = 0.012
# Frequent words of the field, mentioned in passing ("related work").
_PLAIN_PASSING_TERMS = _OTHER_TASKS + _OTHER_METHODS + CONCEPTS + PROPERTIES

_ACRONYM_PARTS = (
    "Net", "Former", "GAN", "Seg", "Diff", "Fusion", "Track", "Depth", "Vi", "CLIP", "SAM",
    "Mix", "Match", "Flow", "NeRF", "Det", "Pose", "Mamba", "Gen", "Edit", "Med", "Geo",
)  # fmt: skip
_ACRONYM_SUFFIXES = ("", "", "", "++", "-v2", "-XL", "-Lite", "3D", "-B")
_LATEX = (
    r"$\ell_1$", r"$\ell_2$", r"$\ell_p$", r"$\mathcal{O}(n \log n)$", r"$\mathcal{O}(n^2)$",
    r"$k$", r"$\alpha$", r"$\beta$-VAE", r"$\epsilon$", r"$\lambda$", r"$\mathbb{R}^d$",
    r"$L_\infty$", r"$\sqrt{T}$", r"$\tau$", r"$\mathbf{x}_t$", r"$\sigma^2$",
)  # fmt: skip
_SMALL_WORDS = frozenset("a an and as at by for from in of on or the to via with vs".split())

FIRST_NAMES = (
    "Wei", "Jing", "Yang", "Xin", "Hao", "Lei", "Yu", "Jun", "Chen", "Yifan", "Zhe", "Ming",
    "Haoran", "Jiaxin", "Siyu", "Zihan", "Ruoxi", "Tianyi", "Kai", "Lin", "Rahul", "Priya",
    "Amit", "Ananya", "Vikram", "Sneha", "Arjun", "Deepak", "Kavya", "Rohan", "Mohammad",
    "Ali", "Fatemeh", "Reza", "Sara", "Hamid", "Amir", "Zahra", "Ehsan", "Omar", "Ahmed",
    "Youssef", "Layla", "John", "Michael", "David", "James", "Robert", "Mary", "Jennifer",
    "Emily", "Sarah", "Daniel", "Thomas", "Christopher", "Matthew", "Andrew", "Laura", "Anna",
    "Maria", "Elena", "Sofia", "Lucas", "Mateo", "Pablo", "Javier", "Inés", "José", "Gonzalo",
    "Luca", "Marco", "Giulia", "Francesca", "Alessandro", "Matteo", "Pierre", "Julien",
    "Camille", "Élodie", "Frédéric", "Gaël", "Renée", "Hélène", "Jérôme", "Thibault", "Jürgen",
    "Lukas", "Jonas", "Felix", "Katharina", "Sebastian", "Maximilian", "Jörg", "Björn",
    "Fredrik", "Håkan", "Søren", "Åsa", "Mikael", "Ingrid", "Lars", "Nils", "Olga", "Dmitry",
    "Sergey", "Ivan", "Natalia", "Anastasia", "Alexei", "Łukasz", "Paweł", "Agnieszka",
    "Tomasz", "Çağlar", "Emre", "Zeynep", "Burak", "Kenji", "Yuki", "Takashi", "Haruka",
    "Hiroshi", "Sakura", "Min-jun", "Ji-woo", "Seung-hyun", "Hye-jin", "Nguyen", "Thanh",
    "Linh", "Minh", "Chiara", "Zoë", "Noémie", "André", "João", "Beatriz", "Gonçalo",
    "Tiago", "Kwame", "Chidi", "Ngozi", "Aisha", "Samuel", "Philippe", "Georg", "Axel",
)  # fmt: skip
LAST_NAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
    "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Tang",
    "Han", "Feng", "Deng", "Cao", "Peng", "Zeng", "Sharma", "Patel", "Singh", "Kumar",
    "Gupta", "Reddy", "Iyer", "Chatterjee", "Banerjee", "Agrawal", "Nair", "Rao", "Ahmadi",
    "Hosseini", "Mohammadi", "Rezaei", "Karimi", "Tehrani", "Haddad", "Khalil", "Smith",
    "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
    "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis",
    "Walker", "Young", "Allen", "García", "Martínez", "Rodríguez", "López", "González",
    "Pérez", "Sánchez", "Ramírez", "Núñez", "Jiménez", "Rossi", "Russo", "Ferrari", "Esposito",
    "Bianchi", "Romano", "Ricci", "Buló", "Dubois", "Lefèvre", "Moreau", "Fréour", "Mouchère",
    "Girard", "Rousseau", "Bonnet", "Müller", "Schmidt", "Schneider", "Fischer", "Weber",
    "Krüger", "Dünnwald", "Nürnberger", "Schäfer", "Böhm", "Hoffmann", "Bökman", "Larsson",
    "Andersson", "Johansson", "Håkansson", "Sørensen", "Nielsen", "Ångström", "Ivanov",
    "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Kowalski", "Nowak", "Wiśniewski",
    "Łukasiewicz", "Öztürk", "Yılmaz", "Çelik", "Şahin", "Tanaka", "Suzuki", "Takahashi",
    "Watanabe", "Yamamoto", "Nakamura", "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Tran",
    "Pham", "Le", "Hoang", "Silva", "Santos", "Oliveira", "Gonçalves", "Conceição",
    "Okafor", "Mensah", "Adeyemi", "Cohen-Or", "Oeltze-Jafra", "Sorkine-Hornung", "Del Ser",
)  # fmt: skip

VENUES = (
    "CVPR", "ICCV", "ECCV", "NeurIPS", "ICML", "ICLR", "AAAI", "IJCAI", "MICCAI", "WACV",
    "BMVC", "ACL", "EMNLP", "NAACL", "ICASSP", "ISBI", "ICRA", "IROS", "ACM MM", "KDD",
)  # fmt: skip
JOURNALS = (
    "IEEE Transactions on Pattern Analysis and Machine Intelligence",
    "IEEE Transactions on Image Processing", "IEEE Transactions on Medical Imaging",
    "Medical Image Analysis", "Pattern Recognition", "International Journal of Computer Vision",
    "Computers in Biology and Medicine", "Neurocomputing", "IEEE Access",
    "Journal of Machine Learning Research", "Transactions on Machine Learning Research",
    "Remote Sensing", "IEEE Robotics and Automation Letters", "Neural Networks",
    "International Journal of Approximate Reasoning",
)  # fmt: skip
DOI_PREFIXES = ("10.1109", "10.1145", "10.1016", "10.1007", "10.3390", "10.1038", "10.5220")
HOSTS = (
    "https://github.com/{user}/{repo}", "https://github.com/{user}/{repo}",
    "https://github.com/{user}/{repo}", "https://{user}.github.io/{repo}/",
    "https://{user}.github.io/projects/{repo}", "http://{user}.cs.example.edu/{repo}",
    "https://huggingface.co/{user}/{repo}", "https://sites.google.com/view/{repo}",
)  # fmt: skip

# Abstract sentence templates. Fields: task, method, method2, adj, dataset, metric, domain,
# concept, other (a passing term), num, acr, latex, prop.
_OPENERS = (
    "{Task} is a fundamental problem in computer vision with applications in {domain}.",
    "{Task} has attracted increasing attention in recent years, yet it remains challenging "
    "in {adj} settings.",
    "Recent advances in {method} have led to remarkable progress in {task}.",
    "Despite the success of {method}, {task} remains difficult when annotations are scarce.",
    "Existing approaches to {task} typically rely on {other}, which limits their {prop}.",
    "{Method} have shown impressive results on {task}, but their {prop} is poorly understood.",
    "Accurate {task} is essential for many downstream applications in {domain}.",
    "In {domain}, {task} is hindered by the lack of large annotated datasets.",
)  # fmt: skip
_PROBLEMS = (
    "However, most existing methods ignore {concept}, leading to degraded performance on "
    "challenging scenes.",
    "Moreover, current {method2} struggle to capture {concept} under distribution shift.",
    "A key challenge is that {concept} are difficult to model with {other}.",
    "These methods also incur a high computational cost, which hinders real-time deployment.",
    "Furthermore, the reliance on {other} makes such models sensitive to noisy labels.",
    "Unlike prior work on {other}, we argue that {concept} should be modeled explicitly.",
)  # fmt: skip
_PROPOSALS = (
    "In this paper, we propose {acr}, {a_adj} framework that leverages {method} for {task}.",
    "To address these issues, we introduce {acr}, which combines {method} with {method2}.",
    "In this work, we present {a_adj} approach to {task} based on {method}.",
    "We propose a novel {adj} method, termed {acr}, that exploits {concept} through {method}.",
    "This paper presents {acr}, {a_adj} model that unifies {task} and {other} in a single "
    "architecture.",
)  # fmt: skip
_DETAILS = (
    "Specifically, we design {a_adj} module that aggregates {concept} across multiple scales.",
    "Our key insight is that {concept} provide a strong signal for {task}.",
    "We further introduce {a_adj} loss that encourages consistency between {concept} and the "
    "predictions of {method2}.",
    "The proposed module can be plugged into existing {method2} with negligible overhead.",
    "To reduce the cost of training, we adopt {a_adj} strategy with a complexity of {latex}.",
    "We model the conditional distribution with {method} and regularize it with an {latex} "
    "penalty.",
    "A lightweight decoder then refines the coarse predictions using {concept}.",
    "In addition, we develop {a_adj} training scheme that alternates between {other} and "
    "{task}.",
    "Our formulation admits a closed-form solution and can be optimized with {method2}.",
    "We also provide a theoretical analysis showing that our estimator is consistent with "
    "rate {latex}.",
    "The resulting model is trained end-to-end and requires no additional supervision.",
    "We show that {concept} learned in this way transfer well to {other}.",
)  # fmt: skip
_RESULTS = (
    "Extensive experiments on {dataset} and {dataset2} demonstrate that {acr} outperforms "
    "state-of-the-art methods by {num}% in {metric}.",
    "Our method achieves a {metric} of {num} on {dataset}, surpassing previous approaches.",
    "Experimental results show that {acr} improves {metric} by {num} points while reducing "
    "the number of parameters by {num2}%.",
    "On {dataset}, our approach sets a new state of the art with {latexnum} {metric}.",
    "Ablation studies confirm the contribution of each component of {acr}.",
    "We evaluate {acr} on {task} and {other}, where it consistently outperforms strong "
    "baselines.",
    "Results on {dataset} show that our approach generalizes to unseen domains in {domain}.",
)  # fmt: skip
_URL_CLOSERS = (
    "Code is available at {url}.",
    "Code and models are publicly available at {url}.",
    "Our implementation is publicly available at {url}.",
    "Project page: {url}",
)
_PLAIN_CLOSERS = (
    "The code will be released upon publication.",
    "We hope that our work will inspire further research on {task}.",
    "These findings suggest that {method} are a promising direction for {domain}.",
)  # fmt: skip
# Plain-text snippets with "&", "<" or ">": HTML-escaped in listings, raw in API files.
_ENTITY_SENTENCES = (
    "The model is validated on H&E stained whole slide images from two hospitals.",
    "All improvements are statistically significant (p < 0.05) across {num2} runs.",
    "It reaches a Dice similarity coefficient > 0.9 for most organs.",
    "We release the benchmark together with a Q&A protocol for fair comparison.",
    "Performance drops when the input resolution is < 64 pixels, which we analyse in detail.",
    "The training set is split into <train> and <val> partitions following prior work.",
)  # fmt: skip
_VERSION_NOTES = (
    "In this version, we add experiments on {dataset} and an extended ablation study.",
    "This version corrects an error in the evaluation protocol and updates all results.",
    "Compared with the conference version, we extend {acr} to {task}.",
)  # fmt: skip
_COMMENTS = (
    "{n} pages, {m} figures", "{n} pages, {m} figures, {k} tables", "Accepted at {venue} {year}",
    "Accepted to {venue} {year}", "Accepted by {journal}", "{venue} {year} oral",
    "{venue} {year} camera ready", "Code: {url}", "Project page available at {url}",
    "{n} pages, {m} figures. Accepted for publication in {journal}",
    "Preprint submitted to {journal}", "arXiv admin note: text overlap with arXiv:{arxiv}",
    "This work has been submitted to the IEEE for possible publication. Copyright may be "
    "transferred without notice, after which this version may no longer be accessible",
    "Accepted for publication in {venue} {year}. Project page: {url} Code: {url2}",
    "{n} pages. The first two authors contributed equally to this work. In this version, we "
    "fix some typos and errors contained in the last one",
)  # fmt: skip
_JOURNAL_REFS = (
    "{journal}, vol. {vol}, no. {no}, pp. {p1}-{p2}, {year}",
    "{journal}, {art} ({year})",
    "{journal}, Volume {vol}, {year}, Pages {p1}-{p2},",
    "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition "
    "({venue}), {year}, pp. {p1}-{p2}",
)  # fmt: skip
_TITLE_TEMPLATES = (
    "{Acr}: {Adj} {Method} for {Task}",
    "{Acr}: {Adj} {Task} with {Method}",
    "{Adj} {Task} via {Method}",
    "Towards {Adj} {Task} with {Method}",
    "{Method} for {Adj} {Task} in {Domain}",
    "Learning {Concept} for {Adj} {Task}",
    "Rethinking {Method} for {Task}",
    "On the {Prop} of {Method} for {Task}",
    "{Task} Using {Method} and {Method2}",
    "When {Method} Meet {Method2}: {Adj} {Task}",
    "{Acr}: Exploiting {Concept} for {Task} on {Dataset}",
    "{Adj} {Method} Improve {Task}",
    "Beyond {Method2}: {Adj} {Task} with {Concept}",
    "A Survey on {Task}: Methods, Datasets, and Evaluation Metrics",
)  # fmt: skip


def _title_case(text: str) -> str:
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        if i and word in _SMALL_WORDS:
            out.append(word)
        elif word[:1].islower():
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
        else:
            out.append(word)
    return " ".join(out)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- One paper's content ----------------------------------------------------


@dataclass(slots=True)
class PaperText:
    """Everything about a paper that does not depend on the digest format."""

    title: str
    #: Paragraphs of pieces: ("t", plain text) or ("u", URL).
    paragraphs: list[list[tuple[str, str]]]
    authors: list[str]
    comment: str | None
    journal: str | None
    doi: str | None
    acm: list[str]
    url_style: int  # how the listing writes its link: 0 plain, 1 inside \url{...}


def _url(rng: random.Random) -> str:
    user = rng.choice(LAST_NAMES).lower().replace(" ", "") + rng.choice(("", "", "lab", "-ai"))
    user = user.encode("ascii", "ignore").decode() or "lab"
    repo = rng.choice(_ACRONYM_PARTS) + rng.choice(_ACRONYM_PARTS) + rng.choice(("", "-code"))
    return rng.choice(HOSTS).format(user=user, repo=repo)


def _acronym(rng: random.Random) -> str:
    return rng.choice(_ACRONYM_PARTS) + rng.choice(_ACRONYM_PARTS) + rng.choice(_ACRONYM_SUFFIXES)


def _author(rng: random.Random) -> str:
    first = rng.choice(FIRST_NAMES)
    roll = rng.random()
    if roll < 0.08:
        first += f" {rng.choice('ABCDEFGHJKLMNPRSTW')}."
    elif roll < 0.11:
        first += f" {rng.choice('ABCDHJKMPRS')}. {rng.choice('ABCDHJKMPRS')}."
    return f"{first} {rng.choice(LAST_NAMES)}"


def _task(rng: random.Random) -> str:
    if rng.random() < SEGMENTATION_RATE:
        return rng.choice(_SEGMENTATION_TASKS)
    return rng.choice(_OTHER_TASKS)


def _method(rng: random.Random) -> str:
    if rng.random() < DIFFUSION_RATE:
        return rng.choice(_DIFFUSION_METHODS)
    return rng.choice(_OTHER_METHODS)


def _passing_term(rng: random.Random) -> str:
    roll = rng.random()
    if roll < DIFFUSION_RATE / 2:
        return rng.choice(_DIFFUSION_METHODS)
    if roll < DIFFUSION_RATE / 2 + SEGMENTATION_RATE / 4:
        return rng.choice(_SEGMENTATION_TASKS)
    return rng.choice(_PLAIN_PASSING_TERMS)


def _fields(rng: random.Random) -> dict[str, str]:
    """The slots one paper's sentences draw from: its topic stays fixed."""
    task = _task(rng)
    method = _method(rng)
    adjective = rng.choice(ADJECTIVES)
    return {
        "task": task,
        "Task": _sentence_case(task),
        "method": method,
        "Method": _sentence_case(method),
        "method2": _method(rng),
        "adj": adjective,
        "a_adj": ("an " if adjective[0] in "aeiou" else "a ") + adjective,
        "dataset": rng.choice(DATASETS),
        "dataset2": rng.choice(DATASETS),
        "metric": rng.choice(METRICS),
        "domain": "diffusion MRI" if rng.random() < 0.004 else rng.choice(DOMAINS),
        "concept": rng.choice(CONCEPTS),
        "prop": rng.choice(PROPERTIES),
        "acr": _acronym(rng),
    }


def _fill(template: str, fields: dict[str, str], rng: random.Random) -> str:
    if "{other}" in template:
        fields["other"] = _passing_term(rng)
    if "{num" in template:
        fields["num"] = f"{rng.uniform(0.5, 95):.1f}"
        fields["num2"] = str(rng.randint(2, 60))
    if "{latex" in template:
        fields["latex"] = rng.choice(_LATEX)
        fields["latexnum"] = f"${rng.uniform(40, 99):.1f}\\pm {rng.uniform(0.1, 2):.1f}\\%$"
    return template.format_map(fields)


def paper_text(seed: int, version_bump: int = 0) -> PaperText:
    """The paper drawn from ``seed``; ``version_bump`` > 0 revises it (a new version)."""
    rng = random.Random(seed)
    fields = _fields(rng)
    title_fields = {
        "Acr": fields["acr"],
        "Adj": _title_case(fields["adj"]),
        "Method": _title_case(fields["method"]),
        "Method2": _title_case(fields["method2"]),
        "Task": _title_case(fields["task"]),
        "Domain": _title_case(fields["domain"]),
        "Concept": _title_case(fields["concept"]),
        "Prop": _title_case(fields["prop"]),
        "Dataset": fields["dataset"],
    }
    # The last template (a survey) is rare.
    template = _TITLE_TEMPLATES[rng.randrange(len(_TITLE_TEMPLATES) - (rng.random() > 0.1))]
    title = template.format_map(title_fields)
    if rng.random() < 0.03:
        title += f" with {rng.choice(_LATEX)} Guarantees"

    sentences = [_fill(rng.choice(_OPENERS), fields, rng)]
    sentences += [_fill(t, fields, rng) for t in rng.sample(_PROBLEMS, rng.randint(1, 3))]
    sentences.append(_fill(rng.choice(_PROPOSALS), fields, rng))
    sentences += [_fill(t, fields, rng) for t in rng.sample(_DETAILS, rng.randint(3, 9))]
    if rng.random() < 0.05:
        sentences.append(_fill(rng.choice(_ENTITY_SENTENCES), fields, rng))
    sentences += [_fill(t, fields, rng) for t in rng.sample(_RESULTS, rng.randint(2, 4))]
    url = _url(rng) if rng.random() < 0.22 else None
    closer = rng.choice(_URL_CLOSERS if url else _PLAIN_CLOSERS)
    note_rng = random.Random(seed + 7919 * version_bump)
    if version_bump:
        sentences.append(_fill(note_rng.choice(_VERSION_NOTES), fields, note_rng))
        if note_rng.random() < 0.3:
            title += ": Extended Version"

    # Paragraph breaks (<br> in listings) in ~6% of abstracts.
    if rng.random() < 0.06:
        cuts = sorted(rng.sample(range(2, len(sentences)), min(rng.randint(1, 3), 3)))
        groups = [sentences[a:b] for a, b in zip([0, *cuts], [*cuts, len(sentences)], strict=True)]
    else:
        groups = [sentences]
    paragraphs: list[list[tuple[str, str]]] = [[("t", " ".join(g))] for g in groups if g]
    if url:
        head, _, tail = closer.partition("{url}")
        last = paragraphs[-1]
        last[-1] = ("t", last[-1][1] + " " + head.format_map(fields))
        last.append(("u", url))
        if tail:
            last.append(("t", tail))
    else:
        last = paragraphs[-1]
        last[-1] = ("t", last[-1][1] + " " + closer.format_map(fields))

    authors = [_author(rng) for _ in range(min(1 + int(rng.expovariate(1 / 4.0)), 30))]
    comment = _comment(rng) if rng.random() < 0.55 else None
    if version_bump and note_rng.random() < 0.5:
        comment = f"v{version_bump + 1}: substantially revised version" + (
            f". {comment}" if comment else ""
        )
    journal = _journal(rng) if rng.random() < 0.12 else None
    doi = None
    if journal or rng.random() < 0.08:
        doi = f"{rng.choice(DOI_PREFIXES)}/{rng.choice(('TPAMI', 'TIP', 'j.media', 's11263'))}."
        doi += f"{rng.randint(2015, 2023)}.{rng.randint(100000, 9999999)}"
    acm = rng.sample(ACM_CLASSES, rng.randint(1, 3)) if rng.random() < 0.05 else []
    return PaperText(
        title, paragraphs, authors, comment, journal, doi, acm, int(rng.random() < 0.15)
    )


def _comment(rng: random.Random) -> str:
    return rng.choice(_COMMENTS).format(
        n=rng.randint(4, 40),
        m=rng.randint(1, 15),
        k=rng.randint(1, 10),
        venue=rng.choice(VENUES),
        year=rng.randint(2019, 2023),
        journal=rng.choice(JOURNALS),
        url=_url(rng),
        url2=_url(rng),
        arxiv=f"{rng.randint(19, 22)}{rng.randint(1, 12):02d}.{rng.randint(1, 29999):05d}",
    )


def _journal(rng: random.Random) -> str:
    p1 = rng.randint(1, 9000)
    return rng.choice(_JOURNAL_REFS).format(
        journal=rng.choice(JOURNALS),
        vol=rng.randint(10, 160),
        no=rng.randint(1, 12),
        p1=p1,
        p2=p1 + rng.randint(5, 30),
        year=rng.randint(2019, 2023),
        art=rng.randint(100000, 109999),
        venue=rng.choice(VENUES),
    )


# --- Rendering --------------------------------------------------------------


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _anchor(url: str) -> str:
    scheme = "https" if url.startswith("https") else "http"
    return (
        f'<a class="link-external link-{scheme}" href="{url}" '
        f'rel="external noopener nofollow">this {scheme} URL</a>'
    )


def _listing_abstract(text: PaperText) -> str:
    parts = []
    for paragraph in text.paragraphs:
        pieces = []
        for kind, value in paragraph:
            if kind == "t":
                pieces.append(_escape(value))
            elif text.url_style:
                pieces.append("\\url{" + _anchor(value) + "}")
            else:
                pieces.append(_anchor(value))
        parts.append("".join(pieces))
    return " <br>".join(parts)


def _plain_abstract(text: PaperText) -> str:
    return " ".join("".join(value for _kind, value in p) for p in text.paragraphs)


def _wrap(value: str, first: int, rest: int = 77) -> list[str]:
    """Greedy word wrap as in the arXiv API feed: continuation lines get two spaces."""
    lines: list[str] = []
    current: list[str] = []
    width, size = first, -1
    for word in value.split(" "):
        if current and size + 1 + len(word) > width:
            lines.append(" ".join(current))
            current, size, width = [], -1, rest
        current.append(word)
        size += 1 + len(word)
    if current:
        lines.append(" ".join(current))
    return [lines[0], *("  " + line for line in lines[1:])]


@dataclass(slots=True)
class Listed:
    """One appearance of a paper in one file."""

    paper_id: str
    seed: int
    categories: list[str]  # primary first
    version: int
    base_version: int
    published: str
    updated: str
    kind: int  # 0 new, 1 cross-list, 2 new version


def _render_listing(category: str, day: date, entries: list[Listed]) -> str:
    header = f"# ArXiv {category} --{_WEEKDAYS[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]}"
    out = [f"{header} {day.year}\n"]
    for number, entry in enumerate(entries, start=1):
        text = paper_text(entry.seed, entry.version - entry.base_version)
        out.append(
            f"### {number}.{text.title}  [ :arrow_down: ]"
            f"(https://arxiv.org/pdf/{entry.paper_id}.pdf)\n"
            f">  {_listing_abstract(text)}      \n"
        )
    return "".join(out)


def _render_api(category: str, day: date, entries: list[Listed], rng: random.Random) -> str:
    out = [f"# Arxiv Papers in {category} on {day.isoformat()}\n"]
    for entry in entries:
        text = paper_text(entry.seed, entry.version - entry.base_version)
        vid = f"{entry.paper_id}v{entry.version}"
        title = text.title
        if len(title) > 70 and rng.random() < 0.15:
            title = "\n".join(_wrap(title, 70))
        cats = [f"**{entry.categories[0]}**", *entry.categories[1:]]
        if text.acm:
            cats.append("; ".join(text.acm))
        comment = "\n".join(_wrap(text.comment, 62)) if text.comment else "None"
        journal = "\n".join(_wrap(text.journal, 62)) if text.journal else "None"
        out.append(
            f"### {title}\n"
            f"- **Arxiv ID**: http://arxiv.org/abs/{vid}\n"
            f"- **DOI**: {text.doi or 'None'}\n"
            f"- **Categories**: {', '.join(cats)}\n"
            f"- **Links**: [PDF](http://arxiv.org/pdf/{vid})\n"
            f"- **Published**: {entry.published}\n"
            f"- **Updated**: {entry.updated}\n"
            f"- **Authors**: {', '.join(text.authors)}\n"
            f"- **Comment**: {comment}\n"
            f"- **Journal**: {journal}\n"
            f"- **Summary**: {_plain_abstract(text)}\n\n\n\n"
        )
    return "".join(out)


# --- The archive ------------------------------------------------------------


@dataclass
class _State:
    rng: random.Random
    month_counter: dict[str, int] = field(default_factory=dict)
    #: Recent papers by category, for new versions: (day index, Listed).
    recent: dict[str, list[tuple[int, Listed]]] = field(default_factory=dict)


def _timestamp(day: date, rng: random.Random) -> str:
    return (
        f"{day.isoformat()} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
        f"{rng.randint(0, 59):02d}+00:00"
    )


def _new_paper(state: _State, day: date, primary: str) -> Listed:
    rng = state.rng
    month = f"{day.year % 100:02d}{day.month:02d}"
    number = state.month_counter.get(month, rng.randint(1, 400)) + rng.randint(1, 3)
    state.month_counter[month] = number
    categories = [primary]
    if rng.random() < CROSS_LIST_RATE:
        others = [c for c in CATEGORIES if c != primary]
        categories += rng.sample(others, 1 if rng.random() < 0.8 else 2)
    if rng.random() < 0.35:
        categories += rng.sample(OUTSIDE_CATEGORIES, rng.randint(1, 2))
    roll = rng.random()
    base = 1 if roll < 0.7 else 2 if roll < 0.9 else rng.randint(3, 6)
    published = _timestamp(day, rng)
    updated = published
    if base > 1:
        updated = _timestamp(day + timedelta(days=rng.randint(10, 500)), rng)
    return Listed(
        f"{month}.{number:05d}",
        rng.getrandbits(48),
        categories,
        base,
        base,
        published,
        updated,
        0,
    )


def generate(out_dir: str | Path, papers: int, seed: int = DEFAULT_SEED) -> dict[str, object]:
    """Write ``papers`` listed papers under ``out_dir`` and return a summary."""
    started = time.perf_counter()
    out = Path(out_dir)
    rng = random.Random(seed)
    state = _State(rng)
    files = listing_files = api_files = total = total_bytes = 0
    kinds = [0, 0, 0]
    unique: set[str] = set()
    day = START_DATE
    day_index = 0
    while total < papers:
        # Fresh papers for every category, then each file takes its own, the
        # cross-lists from other categories, and a few new versions.
        sizes = {c: rng.randint(*FILE_SIZE_RANGE) for c in CATEGORIES}
        fresh = {
            c: [_new_paper(state, day, c) for _ in range(round(sizes[c] * 0.95))]
            for c in CATEGORIES
        }
        for category in CATEGORIES:
            if total >= papers:
                break
            own = fresh[category]
            crossed = [
                _with_kind(p, 1)
                for c in CATEGORIES
                if c != category
                for p in fresh[c]
                if category in p.categories
            ]
            revised = _new_versions(state, category, day, day_index, sizes[category])
            entries = own + crossed + revised
            entries = entries[: papers - total]
            if not entries:
                continue
            if rng.random() < LISTING_SHARE:
                own_part = sorted((e for e in entries if e.kind == 0), key=_id_key, reverse=True)
                cross_part = sorted((e for e in entries if e.kind == 1), key=_id_key, reverse=True)
                ordered = own_part + cross_part + [e for e in entries if e.kind == 2]
                content = _render_listing(category, day, ordered)
                path = out / "listing" / category / f"{day.isoformat()}.md"
                listing_files += 1
            else:
                ordered = sorted(entries, key=lambda e: e.updated if e.kind == 2 else e.published)
                content = _render_api(category, day, ordered, rng)
                path = out / category / f"{day.year}" / f"{day.month:02d}" / f"{day:%Y%m%d}.md"
                api_files += 1
            data = content.encode("utf-8")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            files += 1
            total += len(entries)
            total_bytes += len(data)
            for entry in entries:
                kinds[entry.kind] += 1
                unique.add(entry.paper_id)
            window = state.recent.setdefault(category, [])
            window.extend((day_index, e) for e in own)
        day_index += 1
        day += timedelta(days=3 if day.weekday() == 4 else 1)
    return {
        "out_dir": str(out),
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "files": files,
        "listing_files": listing_files,
        "api_files": api_files,
        "papers": total,
        "unique_papers": len(unique),
        "cross_list_entries": kinds[1],
        "new_version_entries": kinds[2],
        "bytes": total_bytes,
        "first_date": START_DATE.isoformat(),
        "days": day_index,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _with_kind(entry: Listed, kind: int) -> Listed:
    return Listed(
        entry.paper_id,
        entry.seed,
        entry.categories,
        entry.version,
        entry.base_version,
        entry.published,
        entry.updated,
        kind,
    )


def _id_key(entry: Listed) -> str:
    return entry.paper_id


def _new_versions(
    state: _State, category: str, day: date, day_index: int, size: int
) -> list[Listed]:
    """A few papers of the last ~8 weeks listed again with a higher version."""
    window = state.recent.get(category, [])
    # Forget papers older than 40 working days.
    cut = 0
    while cut < len(window) and window[cut][0] < day_index - 40:
        cut += 1
    del window[:cut]
    rng = state.rng
    count = sum(rng.random() < NEW_VERSION_RATE for _ in range(size))
    revised = []
    for _ in range(count):
        if not window:
            break
        old_day, old = window.pop(rng.randrange(len(window)))
        if old_day == day_index:
            continue
        version = old.version + 1
        revised.append(
            Listed(
                old.paper_id,
                old.seed,
                old.categories,
                version,
                old.base_version,
                old.published,
                _timestamp(day, rng),
                2,
            )
        )
    return revised


# --- Caching for the other benchmarks ----------------------------------------


def corpus_dir(papers: int, seed: int = DEFAULT_SEED, root: Path = OUT_ROOT) -> Path:
    suffix = "" if seed == DEFAULT_SEED else f"-seed{seed}"
    return root / f"corpus-{papers}{suffix}"


def ensure_corpus(
    papers: int, seed: int = DEFAULT_SEED, root: Path = OUT_ROOT
) -> tuple[Path, dict[str, object]]:
    """Reuse the cached corpus for ``papers`` and ``seed``, or generate it."""
    target = corpus_dir(papers, seed, root)
    summary_path = target / SUMMARY_NAME
    if summary_path.is_file():
        summary = json.loads(summary_path.read_text())
        if summary.get("generator_version") == GENERATOR_VERSION:
            summary["reused"] = True
            return target, summary
    summary = write_corpus(target, papers, seed)
    summary["reused"] = False
    return target, summary


def add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    """The archive options every benchmark takes: a generated one, or a folder."""
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--corpus", type=Path, help="benchmark this folder instead")


def corpus_from(args: argparse.Namespace) -> tuple[Path, dict[str, object]]:
    """The folder those options name, and what is known of it."""
    if args.corpus:
        return args.corpus, {"out_dir": str(args.corpus)}
    return ensure_corpus(args.papers, args.seed)


def write_corpus(target: Path, papers: int, seed: int) -> dict[str, object]:
    """Generate into a scratch folder, then move it into place (never half-written)."""
    if target.exists() and any(target.iterdir()) and not (target / SUMMARY_NAME).exists():
        raise SystemExit(f"{target} exists and is not a generated corpus; refusing to replace it")
    scratch = target.with_name(target.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    summary = generate(scratch, papers, seed)
    summary["out_dir"] = str(target)
    (scratch / SUMMARY_NAME).write_text(json.dumps(summary, indent=2) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    summary = write_corpus(args.out_dir, args.papers, args.seed)
    json.dump(summary, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
